// A small table of common English nicknames; a production system loads a full list.
const NICKNAMES: Record<string, string> = {
  bob: 'robert', rob: 'robert', bobby: 'robert', robbie: 'robert',
  bill: 'william', will: 'william', billy: 'william', liam: 'william',
  jim: 'james', jimmy: 'james', jamie: 'james',
  mike: 'michael', mick: 'michael', mikey: 'michael',
  dave: 'david', davy: 'david',
  dick: 'richard', rick: 'richard', rich: 'richard',
  tom: 'thomas', tommy: 'thomas',
  joe: 'joseph', joey: 'joseph',
  chris: 'christopher', kit: 'christopher',
  dan: 'daniel', danny: 'daniel',
  matt: 'matthew',
  tony: 'anthony',
  steve: 'steven', stephen: 'steven',
  ed: 'edward', eddie: 'edward', ted: 'edward',
  alex: 'alexander', sandy: 'alexander',
  ben: 'benjamin',
  sam: 'samuel',
  nick: 'nicholas',
  andy: 'andrew', drew: 'andrew',
  kate: 'katherine', katie: 'katherine', kathy: 'katherine', catherine: 'katherine',
  liz: 'elizabeth', beth: 'elizabeth', betty: 'elizabeth', eliza: 'elizabeth',
  jenny: 'jennifer', jen: 'jennifer',
  meg: 'margaret', maggie: 'margaret', peggy: 'margaret',
  sue: 'susan', susie: 'susan',
  patty: 'patricia', pat: 'patricia', trish: 'patricia',
  debbie: 'deborah', deb: 'deborah',
  becky: 'rebecca',
  vicky: 'victoria',
  abby: 'abigail',
  mandy: 'amanda',
};

/** The formal name a nickname stands for, else the name itself (already lower-cased). */
export function canonicalFirstName(name: string): string {
  return NICKNAMES[name] ?? name;
}
