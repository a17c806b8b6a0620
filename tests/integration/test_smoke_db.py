from domain.actors import Actor
from domain.catalog import Catalog, InitialStock
from domain.inventory import Inventory
from domain.people import Warehouses


async def test_create_and_receive(db):
    async with db.transaction() as session:
        wh = await Warehouses(session).add("MAIN", "Main warehouse")
        product = await Catalog(session).create(
            Actor.cli(), sku="ABC-1", name="Łódź mug", eans=["4006381333931"],
            initial_stock=[InitialStock(wh.id, 5)],
        )
    async with db.transaction() as session:
        stock = await Inventory(session).stock_of(product.id)
        assert stock.on_hand == 5
