# Общие тексты: кнопки, доступ, ошибки, оповещения, устаревшие кнопки, команды.

btn-cancel = ✖ Отмена
btn-confirm = ✔ Подтвердить
btn-skip = Пропустить ›
btn-back = ‹ Назад

stranger = Здравствуйте! Этот бот только для сотрудников склада.
    Ваш Telegram id: <code>{ $telegram_id }</code>.
    Чтобы получить доступ, отправьте этот номер администратору и попросите вас добавить.
stranger-short = Этот бот только для сотрудников склада. Отправьте /start, чтобы узнать свой Telegram id.
private-chats-only = Я работаю только в личных чатах, поэтому выхожу из этого чата. Напишите мне напрямую.
slow-down = Вы отправляете сообщения слишком быстро. Подождите немного; сообщения, отправленные за это время, пропускаются.
not-allowed = Для вашей роли это недоступно.

cancelled = Отменено. Ничего не сохранено.
nothing-to-cancel = Отменять нечего.
flow-unexpected = Сейчас я жду другого ответа. Ответьте на последний вопрос или отправьте /cancel, чтобы прервать.
button-outdated = Эта кнопка устарела. Откройте товар заново или повторите команду.

stale-gone = Этого товара больше нет.
stale-archived = Этот товар в архиве; его кнопки больше не работают.
stale-version = Кто-то изменил этот товар после того, как была показана карточка. Вот актуальная карточка.

error-unexpected = Извините, у нас что-то пошло не так. Администраторы уже знают; попробуйте ещё раз позже.
error-domain = Это сделать нельзя.
error-validation = Недопустимое значение.
error-image = Этот файл нельзя использовать как фото.
error-not_found = Этого больше не существует.
error-conflict = Это конфликтует с другим товаром.
error-stale_version = Кто-то изменил этот товар за это время. Посмотрите актуальную карточку и попробуйте снова.
error-insufficient_stock = На складе { $warehouse } доступно только { $available }; запрошено { $requested }.
error-permission_denied = Для вашей роли это недоступно.
error-sku_empty = Артикул (SKU) пустой.
error-sku_too_long = Артикул длиной { $length } символов; допускается не более { $max_length }.
error-sku_chars = В артикуле недопустимые символы: { $chars }. Допустимы: латинские буквы A–Z, цифры, «-», «_», «.», «/».
error-sku_taken = Артикул { $value } уже занят товаром { $other_name } ({ $other_sku }).
error-ean_digits = EAN «{ $value }» может содержать только цифры; найдено { $chars }.
error-ean_length = В EAN «{ $value }» { $length } цифр; в EAN их 8, 12, 13 или 14.
error-ean_checksum = У EAN «{ $value }» неверная контрольная цифра (ожидалась { $expected }): одна из цифр введена с ошибкой.
error-ean_taken = EAN { $value } уже принадлежит товару { $other_name } ({ $other_sku }).
error-name_empty = Название пустое.
error-name_chars = В названии управляющие символы: { $chars }.
error-name_too_long = Название длиной { $length } символов; допускается не более { $max_length }.
error-race = В тот же момент был сохранён другой товар с этим артикулом или EAN. Попробуйте ещё раз.
error-archive_with_stock = У { $sku } на остатке ещё { $on_hand } шт.: сначала спишите или пересчитайте их.
error-quantity_not_integer = «{ $value }» — не целое число.
error-quantity_not_positive = Количество должно быть не меньше 1.
error-quantity_too_large = Количество больше максимума { $maximum }.
error-count_not_integer = «{ $value }» — не целое число.
error-count_negative = Результат пересчёта не может быть отрицательным.
error-count_too_large = Результат пересчёта больше максимума { $maximum }.
error-language = Неизвестный язык.
error-not_an_image = Этот файл — не изображение. Отправьте фото (JPEG, PNG, WebP или HEIC).
error-image_format = Изображения в формате { $format } не принимаются. Отправьте JPEG, PNG, WebP или HEIC.
error-image_corrupt = Изображение повреждено или не полностью загружено. Сделайте или экспортируйте его заново.
error-image_too_large = Фото весит { $size_mb } МБ; принимается не более { $max_mb } МБ.
error-decompression_bomb = В изображении слишком много пикселей, чтобы безопасно его обработать.
error-file_too_large = Файл весит { $size_mb } МБ; принимается не более { $max_mb } МБ.
error-telegram_file_too_big = Telegram не отдаёт ботам файлы больше { $max_mb } МБ. Отправьте файл поменьше.

alert-bot-error = ⚠️ Ошибка бота при обработке { $update_kind } от пользователя { $user }: { $error }. Подробности в логе.

cmd-start = Начать
cmd-help = Что умеет бот
cmd-language = Сменить язык
cmd-cancel = Отменить текущее действие
