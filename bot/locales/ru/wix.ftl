### Сайты Wix: список, добавление сайта, отчёт о сопоставлении SKU, оповещения.

wix-command = Сайты Wix (администраторы)
wix-sites-title = 🛍 <b>Сайты Wix</b>
wix-no-sites = Сайтов Wix пока нет. Добавьте сайт кнопкой ниже.
wix-site-line = • <b>{ $name }</b> — { $catalog } · { $sync }
wix-catalog-unknown = каталог ещё не проверен
wix-never-synced = ещё не синхронизировался
wix-last-sync = последняя синхронизация { $time } ({ $trigger }, { $status })
wix-site-inactive = [{ $state }]
wix-site-error = ⚠️ Последняя ошибка: { $error }
wix-btn-add = ➕ Добавить сайт
wix-btn-map = 🗺 Сопоставление { $name }
wix-btn-refresh = 🔄 Прочитать Wix заново
wix-btn-sites = 🛍 Сайты Wix

wix-btn-site = ⚙️ { $name }
wix-site-id = Идентификатор сайта: <code>{ $site_id }</code>
wix-site-state = Состояние: { $state }
wix-btn-disable = ⏸ Отключить
wix-btn-enable = ▶️ Включить
wix-btn-remove = 🗑 Удалить
wix-btn-remove-confirm = 🗑 Да, удалить { $name }
wix-remove-confirm = Удалить сайт Wix <b>{ $name }</b>? Будут удалены его ключ, сопоставления SKU ({ $mappings }) и история синхронизаций ({ $syncs } запусков). Остатки и уже применённые строки заказов Wix останутся. Чтобы только приостановить сайт, отключите его.
wix-site-removed = 🗑 Сайт Wix { $name } удалён вместе с сопоставлениями SKU ({ $mappings }) и историей синхронизаций ({ $syncs } запусков). Остатки не изменились.
wix-site-gone = Этого сайта Wix больше нет. Откройте /wix заново.

wix-ask-name = Отправьте короткое имя нового сайта (например, shop): 1–64 буквы, цифры, «.», «-» или «_».
wix-ask-site-id = Теперь отправьте идентификатор сайта { $name }: GUID после /dashboard/ в адресе панели сайта.
wix-ask-key = И наконец, отправьте API-ключ сайта (менеджер API-ключей Wix, с правами Wix Stores). Я удалю ваше сообщение, как только прочитаю его.
wix-looked-like-key = Это не идентификатор сайта, а это мог быть ключ, поэтому я удалил сообщение. Сначала отправьте идентификатор сайта: GUID после /dashboard/.
wix-key-not-deleted = ⚠️ Не удалось удалить сообщение с ключом. Пожалуйста, удалите его сами.
wix-checking = ⏳ Проверяю ключ сайта { $name } в Wix…
wix-site-added = ✅ Сайт Wix { $name } добавлен (каталог { $catalog }). Его заказы импортируются с этого момента; SKU будут сопоставлены при первой синхронизации.
wix-site-rekeyed = ✅ У сайта Wix { $name } новый ключ (каталог { $catalog }).
wix-site-refused = ❌ Сайт не добавлен: { $reason }

wix-mapping-none = 🗺 <b>{ $name }</b>: сопоставления ещё нет. Прочитайте Wix, чтобы его построить.
wix-mapping-title = 🗺 <b>{ $name }</b>: сопоставление SKU от { $time } ({ $catalog })
wix-mapping-counts = Сопоставлено: { $mapped } из { $products } товаров; в Wix { $wix } SKU.
wix-mapping-missing = Нет в Wix ({ $count }): { $skus }
wix-mapping-duplicates = Принадлежат нескольким вариантам в Wix ({ $count }): { $skus }
wix-mapping-unknown = Есть в Wix, неизвестны здесь ({ $count }): { $skus }
wix-mapping-clean = Проблем нет: каждый товар есть в Wix ровно один раз.
wix-mapping-running = ⏳ Читаю { $name } из Wix…
wix-mapping-failed = ❌ Не удалось прочитать Wix для { $name }: { $error }

error-wix_site_name = Имя сайта — это 1–64 буквы, цифры, «.», «-» или «_», начиная с буквы или цифры.
error-wix_site_name_taken = Другой сайт Wix уже носит это имя. Выберите другое.
error-wix_site_id = Это не идентификатор сайта Wix. Это GUID после /dashboard/ в адресе панели сайта.
error-wix_api_key = Это не API-ключ: ключ — одно длинное слово без пробелов.
error-wix_key_refused = Wix отклонил этот API-ключ для этого сайта (неверный ключ, сайт другого аккаунта или не хватает прав).
error-wix_no_stores = На этом сайте не установлен Wix Stores.
error-wix_unreachable = Сейчас не удаётся обратиться к Wix. Попробуйте через несколько минут.

alert-wix-unknown-sku = ❓ Wix ({ $site }) продал SKU { $sku } («{ $name }», заказ { $order }), но ни у одного товара нет такого SKU. Продажа будет учтена, как только товар его получит.
alert-wix-no-sku = ❓ Wix ({ $site }) продал «{ $name }» (товар { $item }, заказ { $order }) без SKU. Задайте ему SKU в Wix; до тех пор его продажи здесь не учитываются.
alert-wix-oversell = ⚠️ Перепродажа в Wix ({ $site }): заказу { $order } нужно { $quantity } × { $sku }, { $shortage } шт. не было в наличии.
alert-wix-push-failed = ⚠️ Wix ({ $site }) не принял остатки { $count } товаров: { $skus }. Первая причина: { $error }. Они будут отправлены повторно.
