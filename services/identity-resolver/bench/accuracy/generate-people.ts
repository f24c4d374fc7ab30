import { seededRandom } from '@scale-models/seeded-random';
import type { MatchRecord } from '../../src/domain/matching/match-record.ts';

const FIRST = [
  'robert',
  'william',
  'james',
  'michael',
  'david',
  'richard',
  'thomas',
  'joseph',
  'christopher',
  'daniel',
  'matthew',
  'anthony',
  'steven',
  'edward',
  'alexander',
  'benjamin',
  'samuel',
  'nicholas',
  'andrew',
  'katherine',
  'elizabeth',
  'jennifer',
  'margaret',
  'susan',
  'patricia',
  'deborah',
  'rebecca',
  'victoria',
  'abigail',
  'amanda',
  'maria',
  'laura',
  'sarah',
  'emma',
  'olivia',
  'sophia',
  'lucas',
  'noah',
  'oliver',
  'ethan',
  'mia',
  'chloe',
  'grace',
  'hannah',
  'isaac',
  'jacob',
  'leo',
  'zoe',
];
const NICK: Record<string, string[]> = {
  robert: ['bob', 'rob'],
  william: ['bill', 'will'],
  james: ['jim', 'jimmy'],
  michael: ['mike'],
  david: ['dave'],
  richard: ['rick', 'dick'],
  thomas: ['tom'],
  joseph: ['joe'],
  christopher: ['chris'],
  daniel: ['dan'],
  matthew: ['matt'],
  anthony: ['tony'],
  steven: ['steve'],
  edward: ['ed', 'ted'],
  alexander: ['alex'],
  benjamin: ['ben'],
  samuel: ['sam'],
  nicholas: ['nick'],
  andrew: ['andy'],
  katherine: ['kate', 'katie'],
  elizabeth: ['liz', 'beth'],
  jennifer: ['jen'],
  margaret: ['meg', 'maggie'],
  susan: ['sue'],
  patricia: ['pat'],
  deborah: ['deb'],
  rebecca: ['becky'],
  victoria: ['vicky'],
  abigail: ['abby'],
  amanda: ['mandy'],
};
const LAST = [
  'smith',
  'johnson',
  'williams',
  'brown',
  'jones',
  'garcia',
  'miller',
  'davis',
  'rodriguez',
  'martinez',
  'hernandez',
  'lopez',
  'gonzalez',
  'wilson',
  'anderson',
  'thomas',
  'taylor',
  'moore',
  'jackson',
  'martin',
  'lee',
  'perez',
  'thompson',
  'white',
  'harris',
  'sanchez',
  'clark',
  'ramirez',
  'lewis',
  'robinson',
  'walker',
  'young',
  'allen',
  'king',
  'wright',
  'scott',
  'torres',
  'nguyen',
  'hill',
  'flores',
  'green',
  'adams',
  'nelson',
  'baker',
  'hall',
  'rivera',
  'campbell',
  'mitchell',
  'carter',
  'roberts',
  'kowalski',
  'novak',
  'schmidt',
  'fischer',
  'weber',
  'meyer',
  'wagner',
  'becker',
  'schulz',
  'hoffmann',
  'okafor',
  'mensah',
  'tanaka',
  'sato',
  'suzuki',
  'kim',
  'park',
  'chen',
  'wang',
  'li',
  'zhang',
  'singh',
  'patel',
  'shah',
  'kumar',
  'ivanov',
  'petrov',
  'rossi',
  'russo',
  'ferrari',
  'esposito',
  'bianchi',
  'romano',
  'colombo',
  'ricci',
  'marino',
  'greco',
  'bruno',
  'gallo',
  'conti',
];
const STREETS = [
  'main',
  'oak',
  'pine',
  'maple',
  'cedar',
  'elm',
  'washington',
  'lake',
  'hill',
  'park',
  'sunset',
  'river',
  'church',
  'mill',
  'spring',
  'highland',
  'forest',
  'meadow',
  'ridge',
  'valley',
  'jefferson',
  'lincoln',
  'madison',
  'franklin',
  'chestnut',
  'walnut',
  'willow',
  'birch',
  'poplar',
  'sycamore',
];
const SUFFIX = [
  ['street', 'st'],
  ['avenue', 'ave'],
  ['road', 'rd'],
  ['drive', 'dr'],
  ['lane', 'ln'],
] as const;
const CITIES = [
  ['springfield', 12000],
  ['riverside', 13000],
  ['fairview', 14000],
  ['franklin', 15000],
  ['greenville', 16000],
  ['bristol', 17000],
  ['clinton', 18000],
  ['salem', 19000],
  ['madison', 20000],
  ['georgetown', 21000],
] as const;
const AREA = ['212', '312', '415', '617', '713', '206', '305', '404', '503', '602', '303', '702'];
const PROVIDERS = ['gmail.com', 'yahoo.com', 'outlook.com', 'example.org', 'mail.com'];

export interface Person extends Omit<MatchRecord, 'id'> {
  personId: string;
}

export interface GenerateOptions {
  people: number;
  /** Probability that each field of a duplicate record is corrupted. */
  corruption: number;
  /** Mean extra records per person (duplicates to find). */
  duplicatesPerPerson?: number;
  /** Share of people living with another person (same surname, address, landline). */
  householdShare?: number;
  seed?: number;
}

export interface LabelledRecord extends MatchRecord {
  personId: string;
}

/**
 * People with known truth and noisy records of them: typos, nicknames, swapped names and
 * dates, phone and email format variants, missing values, and households whose members share
 * a surname, an address, a landline and sometimes a family email (the hard negatives).
 */
export function generateRecords(options: GenerateOptions): LabelledRecord[] {
  const random = seededRandom(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  const people: Person[] = [];
  for (let i = 0; i < options.people; i++) {
    const housemate =
      i > 0 && random() < (options.householdShare ?? 0.15)
        ? people[Math.floor(random() * people.length)]
        : undefined;
    const firstName = pick(FIRST);
    const lastName = housemate?.lastName ?? pick(LAST);
    const [city, zipBase] = pick(CITIES);
    const [suffix] = pick(SUFFIX);
    const year = 1940 + Math.floor(random() * 65);
    const birthDate = `${year}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
    people.push({
      personId: `p${i}`,
      firstName,
      lastName,
      birthDate,
      email:
        housemate !== undefined && random() < 0.3
          ? housemate.email
          : `${firstName}.${lastName}${digits(2)}@${pick(PROVIDERS)}`,
      phone:
        housemate !== undefined && random() < 0.6
          ? housemate.phone
          : `${pick(AREA)}${2 + Math.floor(random() * 8)}${digits(2)}${digits(4)}`,
      address: housemate?.address ?? {
        street: `${1 + Math.floor(random() * 9999)} ${pick(STREETS)} ${suffix}`,
        city,
        zip: String(zipBase + Math.floor(random() * 900)),
      },
    });
  }
  const corrupt = createCorruptor(random, options.corruption);
  const records: LabelledRecord[] = [];
  for (const person of people) {
    const copies = 1 + poisson(random, options.duplicatesPerPerson ?? 1);
    for (let c = 0; c < copies; c++) {
      const { personId, ...fields } = person;
      const record = c === 0 ? { ...fields, address: { ...fields.address } } : corrupt(fields);
      records.push({ id: `r${records.length}`, personId, ...record });
    }
  }
  // Shuffle so duplicates are not next to each other.
  for (let i = records.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [records[i], records[j]] = [records[j]!, records[i]!];
  }
  return records;
}

function poisson(random: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

type Fields = Omit<MatchRecord, 'id'>;

function createCorruptor(random: () => number, rate: number) {
  const chance = () => random() < rate;
  const typo = (value: string) => {
    if (value.length < 2) return value;
    const at = Math.floor(random() * value.length);
    const letter = String.fromCharCode(97 + Math.floor(random() * 26));
    switch (Math.floor(random() * 4)) {
      case 0:
        return value.slice(0, at) + letter + value.slice(at + 1);
      case 1:
        return value.slice(0, at) + value.slice(at + 1);
      case 2:
        return value.slice(0, at) + letter + value.slice(at);
      default:
        return at + 1 < value.length
          ? value.slice(0, at) + value[at + 1]! + value[at]! + value.slice(at + 2)
          : value;
    }
  };
  const phoneFormat = (phone: string) => {
    const formats = [
      `(${phone.slice(0, 3)}) ${phone.slice(3, 6)}-${phone.slice(6)}`,
      `${phone.slice(0, 3)}.${phone.slice(3, 6)}.${phone.slice(6)}`,
      `+1 ${phone.slice(0, 3)}-${phone.slice(3, 6)}-${phone.slice(6)}`,
      phone,
    ];
    return formats[Math.floor(random() * formats.length)]!;
  };
  return (fields: Fields): Fields => {
    const record: Fields = { ...fields, address: { ...fields.address } };
    if (chance())
      record.firstName =
        random() < 0.5 && NICK[record.firstName] !== undefined
          ? NICK[record.firstName]![0]!
          : typo(record.firstName);
    if (chance()) record.lastName = typo(record.lastName);
    if (random() < rate / 10)
      [record.firstName, record.lastName] = [record.lastName, record.firstName];
    if (chance()) {
      const [y, m, d] = record.birthDate.split('-');
      record.birthDate =
        random() < 0.5 && Number(d) <= 12
          ? `${y}-${d}-${m}`
          : `${y}-${m}-${String(Math.min(28, Math.max(1, Number(d) + (random() < 0.5 ? 1 : -1)))).padStart(2, '0')}`;
    }
    if (chance()) record.email = random() < 0.5 ? record.email.toUpperCase() : typo(record.email);
    record.phone = phoneFormat(record.phone);
    if (chance()) record.phone = typo(record.phone);
    if (chance())
      record.address.street = typo(
        record.address.street.replace(
          / (street|avenue|road|drive|lane)$/,
          (_, s: string) => ` ${SUFFIX.find(([full]) => full === s)![1]}`,
        ),
      );
    if (chance())
      record.address = {
        street: `${1 + Math.floor(random() * 9999)} ${STREETS[Math.floor(random() * STREETS.length)]} st`,
        city: record.address.city,
        zip: record.address.zip,
      };
    // Missing values: each field with a quarter of the corruption rate.
    for (const field of ['email', 'phone', 'birthDate'] as const)
      if (random() < rate / 4) record[field] = '';
    if (random() < rate / 4) record.address = { street: '', city: '', zip: '' };
    return record;
  };
}

export const CSV_HEADER = 'id,first_name,last_name,birth_date,email,phone,street,city,zip';

/** One record as a CSV line under CSV_HEADER (generated values hold no commas or quotes). */
export function toCsvRow(record: MatchRecord): string {
  const { id, firstName, lastName, birthDate, email, phone, address } = record;
  return [
    id,
    firstName,
    lastName,
    birthDate,
    email,
    phone,
    address.street,
    address.city,
    address.zip,
  ].join(',');
}
