import { seededRandom } from '@scale-models/seeded-random';
import type { Auction, Bid, NexmarkEvent, Person } from './model.ts';

// The constants of the reference generator (Apache Beam / Flink nexmark `GeneratorConfig`).
const PERSON_PROPORTION = 1;
const AUCTION_PROPORTION = 3;
const TOTAL_PROPORTION = 50; // bids are the other 46 of every 50 events
const FIRST_PERSON_ID = 1000;
const FIRST_AUCTION_ID = 1000;
const FIRST_CATEGORY_ID = 10;
const NUM_CATEGORIES = 5;
const NUM_ACTIVE_PEOPLE = 1000;
const PERSON_ID_LEAD = 10;
const NUM_IN_FLIGHT_AUCTIONS = 100;
const AUCTION_ID_LEAD = 10;
const HOT_SELLER_RATIO = 100;
const HOT_AUCTION_RATIO = 100;
const HOT_BIDDER_RATIO = 100;
const HOT_AUCTIONS_RATIO = 2;
const HOT_SELLERS_RATIO = 4;
const HOT_BIDDERS_RATIO = 4;
const FIRST_NAMES = [
  'Peter',
  'Paul',
  'Luke',
  'John',
  'Saul',
  'Vicky',
  'Kate',
  'Julie',
  'Sarah',
  'Deiter',
  'Walter',
];
const LAST_NAMES = [
  'Shultz',
  'Abrams',
  'Spencer',
  'White',
  'Bartels',
  'Walton',
  'Smith',
  'Jones',
  'Noris',
];
const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const US_CITIES = [
  'Phoenix',
  'Los Angeles',
  'San Francisco',
  'Boise',
  'Portland',
  'Bend',
  'Redmond',
  'Seattle',
  'Kent',
  'Cheyenne',
];
const CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];

export interface GeneratorOptions {
  /** Events per second of event time; sets the spacing of `dateTime`. */
  eventsPerSecond: number;
  /** Event time of event 0, ms since the epoch. */
  baseTime: number;
  seed?: number;
}

/** A seeded generator per event: the same event id always yields the same event. */
function random(seed: number) {
  const next = seededRandom(seed);
  return { next, int: (bound: number) => Math.floor(next() * bound) };
}
type Random = ReturnType<typeof random>;

function lastBase0PersonId(eventId: number): number {
  const epoch = Math.floor(eventId / TOTAL_PROPORTION);
  const offset = Math.min(eventId % TOTAL_PROPORTION, PERSON_PROPORTION - 1);
  return epoch * PERSON_PROPORTION + offset;
}

function lastBase0AuctionId(eventId: number): number {
  let epoch = Math.floor(eventId / TOTAL_PROPORTION);
  let offset = eventId % TOTAL_PROPORTION;
  if (offset < PERSON_PROPORTION) {
    epoch -= 1;
    offset = AUCTION_PROPORTION - 1;
  } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) offset = AUCTION_PROPORTION - 1;
  else offset -= PERSON_PROPORTION;
  return epoch * AUCTION_PROPORTION + offset;
}

function nextBase0PersonId(eventId: number, rnd: Random): number {
  const numPeople = lastBase0PersonId(eventId) + 1;
  const activePeople = Math.min(numPeople, NUM_ACTIVE_PEOPLE);
  return numPeople - activePeople + rnd.int(activePeople + PERSON_ID_LEAD);
}

function nextBase0AuctionId(eventId: number, rnd: Random): number {
  const maxAuction = lastBase0AuctionId(eventId);
  const minAuction = Math.max(maxAuction - NUM_IN_FLIGHT_AUCTIONS, 0);
  return minAuction + rnd.int(maxAuction - minAuction + 1 + AUCTION_ID_LEAD);
}

/** Prices are log-uniform between $1 and $1M, in cents. */
const nextPrice = (rnd: Random) => Math.round(10 ** (rnd.next() * 6) * 100);
const nextString = (rnd: Random, length: number) =>
  Array.from({ length }, () => String.fromCharCode(97 + rnd.int(26))).join('');
const pick = <T>(rnd: Random, items: T[]): T => items[rnd.int(items.length)]!;

function person(eventId: number, time: number, rnd: Random): Person {
  return {
    type: 'person',
    id: lastBase0PersonId(eventId) + FIRST_PERSON_ID,
    name: `${pick(rnd, FIRST_NAMES)} ${pick(rnd, LAST_NAMES)}`,
    emailAddress: `${nextString(rnd, 7)}@${nextString(rnd, 5)}.com`,
    creditCard: Array.from({ length: 4 }, () => String(1000 + rnd.int(9000))).join(' '),
    city: pick(rnd, US_CITIES),
    state: pick(rnd, US_STATES),
    dateTime: time,
    extra: nextString(rnd, 8),
  };
}

function auction(eventId: number, time: number, rnd: Random, eventsPerSecond: number): Auction {
  const seller =
    rnd.int(HOT_SELLERS_RATIO) > 0
      ? Math.floor(lastBase0PersonId(eventId) / HOT_SELLER_RATIO) * HOT_SELLER_RATIO
      : nextBase0PersonId(eventId, rnd);
  const initialBid = nextPrice(rnd);
  // Auctions last long enough for about NUM_IN_FLIGHT_AUCTIONS of them to overlap.
  const meanLengthMs =
    (NUM_IN_FLIGHT_AUCTIONS * TOTAL_PROPORTION * 1000) / (AUCTION_PROPORTION * eventsPerSecond);
  return {
    type: 'auction',
    id: lastBase0AuctionId(eventId) + FIRST_AUCTION_ID,
    itemName: nextString(rnd, 10),
    description: nextString(rnd, 20),
    initialBid,
    reserve: initialBid + nextPrice(rnd),
    dateTime: time,
    expires: time + Math.max(1, Math.round(meanLengthMs * 2 * rnd.next())),
    seller: seller + FIRST_PERSON_ID,
    category: FIRST_CATEGORY_ID + rnd.int(NUM_CATEGORIES),
    extra: nextString(rnd, 8),
  };
}

function bid(eventId: number, time: number, rnd: Random): Bid {
  const auctionId =
    rnd.int(HOT_AUCTIONS_RATIO) > 0
      ? Math.floor(lastBase0AuctionId(eventId) / HOT_AUCTION_RATIO) * HOT_AUCTION_RATIO
      : nextBase0AuctionId(eventId, rnd);
  const bidder =
    rnd.int(HOT_BIDDERS_RATIO) > 0
      ? Math.floor(lastBase0PersonId(eventId) / HOT_BIDDER_RATIO) * HOT_BIDDER_RATIO + 1
      : nextBase0PersonId(eventId, rnd);
  return {
    type: 'bid',
    auction: auctionId + FIRST_AUCTION_ID,
    bidder: bidder + FIRST_PERSON_ID,
    price: nextPrice(rnd),
    channel: pick(rnd, CHANNELS),
    url: `https://www.nexmark.com/${nextString(rnd, 5)}/item.htm?query=1`,
    dateTime: time,
    extra: nextString(rnd, 8),
  };
}

/** Event number `eventId` of the stream: a pure function of the id and the options. */
export function nexmarkEvent(eventId: number, options: GeneratorOptions): NexmarkEvent {
  const rnd = random(((options.seed ?? 0) * 2_654_435_761 + eventId) >>> 0);
  const time = options.baseTime + Math.floor((eventId * 1000) / options.eventsPerSecond);
  const offset = eventId % TOTAL_PROPORTION;
  if (offset < PERSON_PROPORTION) return person(eventId, time, rnd);
  if (offset < PERSON_PROPORTION + AUCTION_PROPORTION) {
    return auction(eventId, time, rnd, options.eventsPerSecond);
  }
  return bid(eventId, time, rnd);
}

export function* nexmarkEvents(count: number, options: GeneratorOptions): Generator<NexmarkEvent> {
  for (let id = 0; id < count; id += 1) yield nexmarkEvent(id, options);
}
