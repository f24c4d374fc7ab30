import type { Emit, Operator } from '../domain/operator.ts';
import type { StreamRecord } from '../domain/record.ts';
import { scopedStore } from '../domain/state-store.ts';
import type { StateStore } from '../domain/state-store.ts';
import { createTimerIndex } from '../domain/timers.ts';
import type { Auction } from './model.ts';

interface OpenAuction {
  category: number;
  start: number;
  expires: number;
  maxPrice: number | null;
}

/** Bids seen before their auction (another partition's auction may still be on its way). */
type EarlyBids = [time: number, price: number][];

/**
 * Nexmark q4's first half, on records keyed by auction id: keeps per auction the highest bid
 * placed within its lifetime [dateTime, expires] and, once the watermark passes `expires`,
 * emits the closing price with the category (auctions without a bid emit nothing, as in the
 * inner join). Bids that arrive before their auction wait until the watermark passes them,
 * when no auction they could belong to can still come on time.
 */
export function createAuctionCloseOperator(store: StateStore): Operator {
  const auctions = scopedStore(store, 'a|');
  const early = scopedStore(store, 'e|');
  const closing = createTimerIndex(scopedStore(store, 'c|'));
  const forgetting = createTimerIndex(scopedStore(store, 'f|'));
  const within = (auction: OpenAuction, time: number) =>
    auction.start <= time && time <= auction.expires;

  const openAuction = (record: StreamRecord) => {
    const { category, dateTime, expires } = record.row as Pick<
      Auction,
      'category' | 'dateTime' | 'expires'
    >;
    const auction: OpenAuction = { category, start: dateTime, expires, maxPrice: null };
    const waiting = (early.get(record.key) as EarlyBids | undefined) ?? [];
    early.delete(record.key);
    for (const [time, price] of waiting) {
      if (within(auction, time)) auction.maxPrice = Math.max(auction.maxPrice ?? price, price);
    }
    auctions.put(record.key, auction);
    closing.register(expires, record.key);
  };

  const placeBid = (record: StreamRecord) => {
    const price = record.row.price as number;
    const auction = auctions.get(record.key) as OpenAuction | undefined;
    if (auction === undefined) {
      // Its auction may come later, or has closed already (then the bid matches nothing,
      // as in the join, and is forgotten with the next watermark).
      const waiting = (early.get(record.key) as EarlyBids | undefined) ?? [];
      if (waiting.length === 0) forgetting.register(record.time, record.key);
      early.put(record.key, [...waiting, [record.time, price]]);
      return;
    }
    if (!within(auction, record.time)) return;
    auctions.put(record.key, { ...auction, maxPrice: Math.max(auction.maxPrice ?? price, price) });
  };

  const close = (key: string, emit: Emit) => {
    const auction = auctions.get(key) as OpenAuction | undefined;
    auctions.delete(key);
    if (auction?.maxPrice === null || auction === undefined) return;
    emit({
      key: String(auction.category),
      time: auction.expires,
      row: { category: auction.category, price: auction.maxPrice },
    });
  };

  return {
    onRecord(record) {
      if (record.row.type === 'auction') openAuction(record);
      else placeBid(record);
    },
    onWatermark(watermark, emit) {
      // Inclusive ends: an auction closes once no bid at `expires` can still come on time.
      for (const { id } of closing.takeDue(watermark - 1)) close(id, emit);
      for (const { id } of forgetting.takeDue(watermark - 1)) early.delete(id);
    },
    forward: (watermark) => watermark - 1,
  };
}
