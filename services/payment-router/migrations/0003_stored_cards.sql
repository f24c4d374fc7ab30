-- A stored card (its token) may be charged again only by a merchant that vaulted it with a
-- payment of its own: this index finds that payment.
CREATE INDEX payments_by_card_token ON payments (card_token, merchant_id);
