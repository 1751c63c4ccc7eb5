-- Search by 記号・番号 without the insurer number (the desk's most common card search)
-- needs an index that leads with the number key; roster_card leads with insurer_number.
CREATE INDEX roster_card_key ON roster_members(card_number_key, card_symbol);
