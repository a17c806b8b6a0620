welcome-staff = Hello, { $name }! Send me a SKU, an EAN, words of a product name or a photo of a barcode, and I will show the product.
welcome-admin = Hello, { $name }! Send me a SKU, an EAN, words of a product name or a photo of a barcode, and I will show the product.
    You are an administrator: /new creates a product; send a CSV file to import products.
help-staff = <b>What I can do</b>
    • Send a SKU or an EAN: the product card opens.
    • Send words of the name: a list of matching products.
    • Send a photo of a barcode: the product card opens.
    • On a card: receive, transfer, count, history.
    /language changes the language, /cancel stops the current action.
help-admin = <b>What I can do</b>
    • Send a SKU or an EAN: the product card opens.
    • Send words of the name: a list of matching products.
    • Send a photo of a barcode: the product card opens.
    • On a card: receive, transfer, count, write off, history, edit SKU / name / EANs / photo, archive.
    • /new creates a product; a CSV file (sku,name,ean,warehouse,quantity) imports products.
    /language changes the language, /cancel stops the current action.
language-choose = Choose your language:
language-set = The language is now English.
language-name = English
unknown-command = I do not know this command. /help lists what I can do.
