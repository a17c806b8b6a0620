search-results = Found { $total } products for “{ $query }” — page { $page }/{ $pages }. Tap one to open it.
search-nothing = Nothing found for “{ $query }”.
    Try: the exact SKU, the EAN from the label (8–14 digits), one or two words of the name (“lodz” finds “Łódź”), or a photo of the barcode.
search-hint = Send a SKU, an EAN, words of a product name or a photo of a barcode.
search-outdated = This list is outdated. Please search again.
barcode-unreadable = I could not read a barcode in this photo. Take it closer, sharp and well lit, with the whole barcode in the frame — or type the digits under the bars.
barcode-unknown = I read { $codes }, but no product has this code.
