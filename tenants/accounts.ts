import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import * as z from '../shared/zod';
import { commitAudited } from '../shared/audit';
import type { Deps } from '../shared/deps';
import { ApiError, forbidden, notFound } from '../shared/errors';
import {
  checkCreditCode,
  checkResidentId,
  maskCreditCode,
  maskPhone,
  maskResidentId,
  normalizeCreditCode,
  normalizeResidentId,
} from '../shared/identity-codes';
import type { Text } from '../shared/i18n';
import type { MacKey } from '../shared/keys';
import { PREFIX_LENGTH } from '../shared/levels';
import type { Principal } from '../shared/roles';
import { ConditionFailed, type Item, type Key, type Store, type Write } from '../shared/store/store';
import { FIELD_MESSAGES } from '../shared/validation-messages';
import { prefixOf } from '../shared/codes';
import { subjectIndexKey, type AccountKind } from './people';
import type { Scope } from './scope';
import { unitKey } from './unit';

/**
 * Citizen and business accounts, and how an identity number (resident ID, unified social credit code) becomes bound
 * to one of them. A number is bound only on a trusted word: the identity provider's verified claim in the token, or
 * staff at a counter who checked the document. Anyone else's claim is kept unverified. When claims meet (a second
 * claim of a number bound or claimed already) a dispute opens for staff to resolve; it never blocks a verified owner,
 * who is bound at once, while the other claims wait for the dispute's resolution and lose there.
 *
 * Everything lives in the `people` table, which only the people function may read. The number index is keyed by an
 * HMAC under the identity key (a plain hash of ~10^10 possible resident IDs is reversed by trying them all) and holds
 * only opaque references; a reference item leads from one to its account.
 */

const TABLE = 'people' as const;
const provincePrefix = (code: string) => code.slice(0, PREFIX_LENGTH.province);
/** Spreads a province's index over 16 partitions, by a hex digit that carries nothing about the number. */
const shard = (hex: string) => hex.slice(0, 1);
const nextId = monotonicFactory();
const iso = z.string();

type NumberKind = 'resident' | 'credit';
const NUMBER_KIND: Record<AccountKind, NumberKind> = { citizen: 'resident', business: 'credit' };
const normalize = (kind: NumberKind, n: string) => (kind === 'resident' ? normalizeResidentId(n) : normalizeCreditCode(n));
const mask = (kind: NumberKind, n: string) => (kind === 'resident' ? maskResidentId(n) : maskCreditCode(n));

/** At most this many accounts may contest one number; more are sent to a counter (a transaction holds 100 writes). */
export const MAX_PARTIES = 10;

// ---------------------------------------------------------------- keys

export const accountKey = (kind: AccountKind, unit: string, sub: string): Key => ({ pk: `${prefixOf(unit)}#${kind}`, sk: sub });

/** Uniqueness of a number: keyed by its HMAC, so neither key nor item tells whose number it is. */
export async function numberIndexKey(key: MacKey, kind: NumberKind, anyUnitInProvince: string, number: string): Promise<Key> {
  const mac = await key.mac(`${kind}:${normalize(kind, number)}`);
  return { pk: `${provincePrefix(anyUnitInProvince)}#idx-${kind}#${shard(mac)}`, sk: mac };
}

/** From an opaque reference (what the number index holds) to the account that made the claim. */
const refKey = (anyUnitInProvince: string, ref: string): Key => ({ pk: `${provincePrefix(anyUnitInProvince)}#ref#${shard(ref)}`, sk: ref });

/** Disputes are found by id under the province, and listed per unit through gsi1, open ones first. */
const disputeKey = (anyUnitInProvince: string, id: string): Key => ({ pk: `${provincePrefix(anyUnitInProvince)}#dispute#${id.slice(-1)}`, sk: id });
const disputeListing = (unit: string) => `${prefixOf(unit)}#dispute`;

// ---------------------------------------------------------------- schemas

export const CITIZEN_DOCUMENTS = ['resident-id-card', 'temporary-resident-id-card', 'household-register'] as const;
export const BUSINESS_DOCUMENTS = ['business-licence', 'registration-certificate'] as const;
/** The kind of document staff checked at a counter (its number is the one registered, so nothing more is kept). */
export const checkedDocumentSchema = z.object({ type: z.enum([...CITIZEN_DOCUMENTS, ...BUSINESS_DOCUMENTS]) });
export type CheckedDocument = z.infer<typeof checkedDocumentSchema>;

/**
 * Where an account's number stands. verified: bound to this account; unverified: claimed, not bound; disputed:
 * claimed against another claim, waiting for staff; revoked: lost a dispute, the number is no longer on the account.
 */
export const identityStateSchema = z.object({
  status: z.enum(['verified', 'unverified', 'disputed', 'revoked']),
  /** How the binding was made: the identity provider's claim, staff at a counter, or a dispute's resolution. */
  via: z.optional(z.enum(['idp', 'counter', 'resolution'])),
  /** Staff who verified, and the document they checked. */
  by: z.optional(z.string()),
  document: z.optional(checkedDocumentSchema),
  at: z.optional(iso),
  dispute: z.optional(z.string()),
});
export type IdentityState = z.infer<typeof identityStateSchema>;

export const citizenSchema = z.object({
  sub: z.string(),
  unit: z.string(),
  name: z.string(),
  /** Absent once a dispute took the number away. */
  idNumber: z.optional(z.string()),
  phone: z.optional(z.string()),
  identity: identityStateSchema,
  /** Subject of the staff member who registered the citizen at a counter, if one did. */
  registeredBy: z.optional(z.string()),
  createdAt: iso,
  updatedAt: iso,
  v: z.int(),
});
export type Citizen = z.infer<typeof citizenSchema>;

export const businessSchema = z.object({
  sub: z.string(),
  unit: z.string(),
  name: z.string(),
  creditCode: z.optional(z.string()),
  identity: identityStateSchema,
  /** Set when the code's check characters do not fit (GB 32100 / GB 11714) and staff registered it anyway. */
  override: z.optional(z.object({ reason: z.string(), by: z.string(), at: iso })),
  registeredBy: z.optional(z.string()),
  createdAt: iso,
  updatedAt: iso,
  v: z.int(),
});
export type Business = z.infer<typeof businessSchema>;
type Account = Citizen | Business;

/** The number index item: opaque references only. */
const numberIndexSchema = z.object({
  bound: z.optional(z.string()),
  claims: z.array(z.string()),
  dispute: z.optional(z.string()),
  v: z.int(),
});
type NumberIndex = z.infer<typeof numberIndexSchema>;

const partySchema = z.object({ ref: z.string(), sub: z.string(), unit: z.string() });
type Party = z.infer<typeof partySchema>;

const resolutionSchema = z.object({
  /** The party the number stays with or goes to; null when none proved it. */
  owner: z.nullable(z.string()),
  reason: z.string(),
  by: z.string(),
  at: iso,
  document: z.optional(checkedDocumentSchema),
});

export const disputeSchema = z.object({
  id: z.string(),
  /** The unit whose staff resolve it: the home unit of the account whose claim opened it. */
  unit: z.string(),
  kind: z.enum(['citizen', 'business']),
  /** Masked: staff see which number, not the number. */
  number: z.string(),
  status: z.enum(['open', 'resolved']),
  parties: z.array(partySchema),
  /** The account the number is bound to while the dispute is open, if any. */
  bound: z.optional(z.string()),
  openedAt: iso,
  resolution: z.optional(resolutionSchema),
  index: z.object({ pk: z.string(), sk: z.string() }),
  v: z.int(),
});
type Dispute = z.infer<typeof disputeSchema>;

// ---------------------------------------------------------------- views

const numberOf = (kind: AccountKind, a: Account) => (kind === 'citizen' ? (a as Citizen).idNumber : (a as Business).creditCode);

/**
 * What a caller sees of an account: the number in full only for its verified owner (and at the counter that just
 * checked the document), masked for everyone else; the phone in full only for the account's own holder.
 */
export function accountView<A extends Account>(kind: AccountKind, a: A, opts: { fullNumber: boolean; fullPhone: boolean }): A {
  const view = { ...a };
  const number = numberOf(kind, a);
  if (number && !opts.fullNumber) {
    if (kind === 'citizen') (view as Citizen).idNumber = maskResidentId(number);
    else (view as Business).creditCode = maskCreditCode(number);
  }
  const phone = (a as Citizen).phone;
  if (phone && !opts.fullPhone) (view as Citizen).phone = maskPhone(phone);
  return view;
}

const ownView = <A extends Account>(kind: AccountKind, a: A) =>
  accountView(kind, a, { fullNumber: a.identity.status === 'verified', fullPhone: true });

export const disputeViewSchema = z.object({
  id: z.string(),
  unit: z.string(),
  kind: z.enum(['citizen', 'business']),
  number: z.string(),
  status: z.enum(['open', 'resolved']),
  parties: z.array(z.object({ sub: z.string(), unit: z.string(), bound: z.boolean() })),
  openedAt: iso,
  resolution: z.optional(resolutionSchema),
  v: z.int(),
});
export type DisputeView = z.infer<typeof disputeViewSchema>;

export function disputeView(d: Dispute): DisputeView {
  const { parties, index: _index, bound, ...rest } = d;
  return { ...rest, parties: parties.map((p) => ({ sub: p.sub, unit: p.unit, bound: p.ref === bound })) };
}

// ---------------------------------------------------------------- registration

const fieldError = (path: string, message: Text) => new ApiError('validation_failed', [{ path, message }]);

/** Who the account is for: the caller themself, or (at a counter) someone whose subject staff give in the body. */
function registrant(scope: Scope, selfRole: AccountKind, unit: string, bodySub: string | undefined) {
  const p = scope.principal;
  if (p.role === selfRole) {
    if (bodySub !== undefined && bodySub !== p.sub) throw forbidden();
    if (provincePrefix(unit) !== provincePrefix(p.unit)) {
      throw fieldError('body.unit', { zh: '所属单位必须在本省内', en: 'the home unit must be in your province' });
    }
    return { sub: p.sub, onBehalf: false };
  }
  if (!scope.can('people:register', unit)) throw forbidden();
  if (!bodySub) {
    throw fieldError('body.sub', { zh: '代为登记时必须填写对方的账号标识', en: "the person's account id (sub) is required when registering on their behalf" });
  }
  return { sub: bodySub, onBehalf: true };
}

/**
 * On whose word the number is bound: the token's verified claim, or the document staff checked. A self-registration
 * whose token verifies another number is refused, since the identity provider says whose account this is.
 */
function verification(
  scope: Scope,
  onBehalf: boolean,
  kind: AccountKind,
  number: string,
  document: CheckedDocument | undefined,
  at: string,
): IdentityState | undefined {
  const path = kind === 'citizen' ? 'body.idNumber' : 'body.creditCode';
  const allowed: readonly string[] = kind === 'citizen' ? CITIZEN_DOCUMENTS : BUSINESS_DOCUMENTS;
  if (onBehalf) {
    if (!document) {
      throw fieldError('body.checkedDocument', {
        zh: '代为登记时必须记录已核验的证件',
        en: 'record the document you checked when registering on someone’s behalf',
      });
    }
    if (!allowed.includes(document.type)) {
      throw fieldError('body.checkedDocument.type', { zh: '该证件不能证明此类号码', en: 'this document does not prove this kind of number' });
    }
    return { status: 'verified', via: 'counter', by: scope.principal.sub, document, at };
  }
  if (document) throw new ApiError('forbidden', [], { zh: '只有窗口工作人员可以记录核验的证件', en: 'Only staff at a counter may record a checked document' });
  const claimed = scope.principal.verifiedId;
  if (claimed === undefined) return undefined;
  if (claimed !== number) {
    throw fieldError(path, { zh: '与统一身份认证平台核验的号码不一致', en: 'does not match the number your identity provider verified' });
  }
  return { status: 'verified', via: 'idp', at };
}

interface Claim<A extends Account> {
  kind: AccountKind;
  number: string;
  /** The new account, its identity state aside (that depends on what the index holds). */
  account: Omit<A, 'identity'>;
  verified?: IdentityState;
  audit?: { actor: Principal; action: string };
}

const tooMany = () =>
  new ApiError('unprocessable', [], {
    zh: '该号码已有多人申领，请本人携带证件到窗口办理',
    en: 'Too many accounts claim this number; please bring your document to a service counter',
  });

/**
 * Creates the account (or, on a trusted word, re-claims for an existing one) and claims its number, in one transaction:
 * the record, its subject and reference items, the number index and, where claims meet, the dispute and the other
 * parties' records. Retried when the index or the dispute changed between the read and the write.
 */
async function claim<A extends Account>(deps: Deps, c: Claim<A>): Promise<A> {
  const { store } = deps;
  const { unit, sub } = c.account;
  const numberKind = NUMBER_KIND[c.kind];
  const bySubject = subjectIndexKey(c.kind, unit, sub);
  const byNumber = await numberIndexKey(deps.keys.identity, numberKind, unit, c.number);
  const sameKey = (a: Key) => (i: Key) => i.pk === a.pk && i.sk === a.sk;
  for (let attempt = 0; attempt < 5; attempt++) {
    const [home, found] = await Promise.all([store.get('registry', unitKey(unit)), store.getMany(TABLE, [bySubject, byNumber])]);
    if (!home) throw fieldError('body.unit', { zh: '没有这个单位', en: 'no such unit' });
    const pointer = found.find(sameKey(bySubject));
    const existing = pointer ? await reclaimable(store, c, pointer.unit as string) : undefined;
    const indexItem = found.find(sameKey(byNumber));
    const index: NumberIndex = indexItem ? numberIndexSchema.parse(indexItem) : { claims: [], v: 0 };
    const ref = (existing?.ref as string | undefined) ?? randomBytes(16).toString('hex');
    const now = deps.now().toISOString();
    const plan = await planClaim(deps, c, { ref, index, byNumber, now });
    const account = {
      ...c.account,
      ...(existing ? { createdAt: existing.createdAt as string, v: (existing.v as number) + 1 } : {}),
      identity: plan.identity,
    } as A;
    const writes: Write[] = [
      { op: 'put', table: TABLE, item: { ...accountKey(c.kind, unit, sub), ...account, ref }, expect: existing ? { version: existing.v as number } : { absent: true } },
      ...(existing
        ? []
        : [
            { op: 'put', table: TABLE, item: { ...bySubject, unit }, expect: { absent: true } } as const,
            { op: 'put', table: TABLE, item: { ...refKey(unit, ref), kind: c.kind, unit, sub }, expect: { absent: true } } as const,
          ]),
      { op: 'put', table: TABLE, item: { ...byNumber, ...plan.index, v: index.v + 1 }, expect: indexItem ? { version: index.v } : { absent: true } },
      ...plan.writes,
    ];
    try {
      if (c.audit) {
        const masked = (a: A) => accountView(c.kind, a, { fullNumber: false, fullPhone: false });
        const before = existing ? masked((c.kind === 'citizen' ? citizenSchema : businessSchema).parse(existing) as A) : undefined;
        await commitAudited(deps, deps.now(), unit, { ...c.audit, subject: `${c.kind}/${sub}`, before, after: masked(account) }, writes);
      } else {
        await store.transact(writes);
      }
      return account;
    } catch (e) {
      // Someone changed the index or the dispute meanwhile (or took the subject: the next read says so).
      if (!(e instanceof ConditionFailed) && !(e instanceof ApiError && e.code === 'conflict')) throw e;
    }
  }
  throw new ApiError('conflict');
}

/**
 * The subject has an account already. On a trusted word it may claim again: the number it claimed unverified (its
 * owner has since been verified, or came to a counter), or any number once a dispute took its own away. Anything
 * else would be a second account.
 */
async function reclaimable<A extends Account>(store: Store, c: Claim<A>, unit: string): Promise<Item> {
  const item = await store.get(TABLE, accountKey(c.kind, unit, c.account.sub));
  if (!item || !c.verified) throw new ApiError('already_exists');
  const state = item.identity as IdentityState;
  if (state.status === 'verified') throw new ApiError('already_exists');
  const number = item[c.kind === 'citizen' ? 'idNumber' : 'creditCode'];
  if (state.status !== 'revoked' && number !== c.number) {
    throw new ApiError('already_exists', [], {
      zh: '该账号已申领另一号码，请到窗口办理',
      en: 'This account already claims another number; ask staff at a service counter',
    });
  }
  if (unit !== c.account.unit) throw fieldError('body.unit', { zh: '须为该账号原来的所属单位', en: "must be the account's home unit" });
  return item;
}

/** What the index, the claimant's state and the other parties become when this claim is added. */
async function planClaim<A extends Account>(
  deps: Deps,
  c: Claim<A>,
  s: { ref: string; index: NumberIndex; byNumber: Key; now: string },
): Promise<{ identity: IdentityState; index: Omit<NumberIndex, 'v'>; writes: Write[] }> {
  const { store } = deps;
  const { index, ref, now } = s;
  const { unit } = c.account;
  // The claimant's own earlier claim (an account verifying the number it claimed) is not another party.
  const claims = index.claims.filter((r) => r !== ref);
  const others = [...(index.bound && index.bound !== ref ? [index.bound] : []), ...claims];
  if (others.length === 0) {
    return c.verified
      ? { identity: c.verified, index: { bound: ref, claims: [] }, writes: [] }
      : { identity: { status: 'unverified' }, index: { claims: [ref] }, writes: [] };
  }
  if (others.length + 1 > MAX_PARTIES) throw tooMany();

  // Claims meet: the open dispute over this number gains a party, or one opens at the claimant's home unit.
  const openItem = index.dispute ? await store.get(TABLE, disputeKey(unit, index.dispute)) : undefined;
  const open = openItem ? disputeSchema.parse(openItem) : undefined;
  const kept = (open?.parties ?? []).filter((p) => p.ref !== ref);
  const known = new Set(kept.map((p) => p.ref));
  const missing = others.filter((r) => !known.has(r));
  const pointers = missing.length ? await store.getMany(TABLE, missing.map((r) => refKey(unit, r))) : [];
  const parties: Party[] = [...kept, ...pointers.map((p) => partySchema.parse({ ...p, ref: p.sk })), { ref, sub: c.account.sub, unit }];
  const bound = c.verified ? ref : index.bound;
  const id = open?.id ?? nextId(Date.parse(now));
  const dispute: Dispute = {
    id,
    unit: open?.unit ?? unit,
    kind: c.kind,
    number: mask(NUMBER_KIND[c.kind], c.number),
    status: 'open',
    parties,
    ...(bound ? { bound } : {}),
    openedAt: open?.openedAt ?? now,
    index: { pk: s.byNumber.pk, sk: s.byNumber.sk },
    v: (open?.v ?? 0) + 1,
  };

  // Every other party's record learns of the dispute; a verified holder displaced by this claim is no longer bound.
  const stale = parties.filter((p) => p.ref !== ref && (!known.has(p.ref) || (c.verified && p.ref === index.bound)));
  const records = stale.length ? await store.getMany(TABLE, stale.map((p) => accountKey(c.kind, p.unit, p.sub))) : [];
  const writes: Write[] = [
    {
      op: 'put',
      table: TABLE,
      item: { ...disputeKey(unit, id), gsi1pk: disputeListing(dispute.unit), gsi1sk: `open#${id}`, ...dispute },
      expect: open ? { version: open.v } : { absent: true },
    },
    ...records.map((r): Write => {
      const before = r.identity as IdentityState;
      const identity: IdentityState = r.ref === bound ? { ...before, dispute: id } : { status: 'disputed', dispute: id };
      return { op: 'put', table: TABLE, item: { ...r, identity, updatedAt: now, v: (r.v as number) + 1 }, expect: { version: r.v as number } };
    }),
  ];
  const contenders = [...claims, ...(index.bound && index.bound !== bound ? [index.bound] : []), ...(c.verified ? [] : [ref])];
  const identity: IdentityState = c.verified ? { ...c.verified, dispute: id } : { status: 'disputed', dispute: id };
  return { identity, index: { ...(bound ? { bound } : {}), claims: contenders, dispute: id }, writes };
}

export interface NewCitizen {
  idNumber: string;
  name: string;
  phone?: string;
  unit: string;
  sub?: string;
  checkedDocument?: CheckedDocument;
}

export async function registerCitizen(deps: Deps, scope: Scope, input: NewCitizen): Promise<Citizen> {
  const { sub, onBehalf } = registrant(scope, 'citizen', input.unit, input.sub);
  // The request schema checked already; checked again here so no caller of the domain can skip it.
  const idNumber = normalizeResidentId(input.idNumber);
  if (!checkResidentId(idNumber).ok) throw fieldError('body.idNumber', FIELD_MESSAGES.invalid_resident_id!);
  const at = deps.now().toISOString();
  const verified = verification(scope, onBehalf, 'citizen', idNumber, input.checkedDocument, at);
  const citizen = await claim<Citizen>(deps, {
    kind: 'citizen',
    number: idNumber,
    account: {
      sub,
      unit: input.unit,
      name: input.name,
      idNumber,
      ...(input.phone ? { phone: input.phone } : {}),
      ...(onBehalf ? { registeredBy: scope.principal.sub } : {}),
      createdAt: at,
      updatedAt: at,
      v: 1,
    },
    verified,
    audit: onBehalf ? { actor: scope.principal, action: 'citizen.register' } : undefined,
  });
  // Staff at the counter typed the number and saw the document: their reply may show it.
  return onBehalf ? accountView('citizen', citizen, { fullNumber: true, fullPhone: false }) : ownView('citizen', citizen);
}

export interface NewBusiness {
  creditCode: string;
  name: string;
  unit: string;
  sub?: string;
  override?: { reason: string };
  checkedDocument?: CheckedDocument;
}

export async function registerBusiness(deps: Deps, scope: Scope, input: NewBusiness): Promise<Business> {
  const { sub, onBehalf } = registrant(scope, 'business', input.unit, input.sub);
  const creditCode = normalizeCreditCode(input.creditCode);
  const check = checkCreditCode(creditCode);
  const passes = check.ok;
  // An override vouches for a wrong check character in a real code, never for a malformed one.
  if (!check.ok && check.reason === 'format') throw fieldError('body.creditCode', FIELD_MESSAGES.invalid_credit_code!);
  if (input.override) {
    // Only government staff at a counter, seeing the licence, may vouch for a code that fails its check.
    if (!onBehalf) throw new ApiError('forbidden', [], { zh: '只有工作人员可以登记未通过校验的代码', en: 'Only staff may register a code that fails its check' });
    if (passes) throw fieldError('body.override', { zh: '该代码校验通过，无需特殊登记', en: 'the code passes its check; no override is needed' });
  } else if (!passes) {
    throw fieldError('body.creditCode', FIELD_MESSAGES.invalid_credit_code!);
  }
  const at = deps.now().toISOString();
  const verified = verification(scope, onBehalf, 'business', creditCode, input.checkedDocument, at);
  const business = await claim<Business>(deps, {
    kind: 'business',
    number: creditCode,
    account: {
      sub,
      unit: input.unit,
      name: input.name,
      creditCode,
      ...(input.override ? { override: { reason: input.override.reason, by: scope.principal.sub, at } } : {}),
      ...(onBehalf ? { registeredBy: scope.principal.sub } : {}),
      createdAt: at,
      updatedAt: at,
      v: 1,
    },
    verified,
    audit: onBehalf ? { actor: scope.principal, action: input.override ? 'business.override' : 'business.register' } : undefined,
  });
  return onBehalf ? accountView('business', business, { fullNumber: true, fullPhone: false }) : ownView('business', business);
}

// ---------------------------------------------------------------- the caller's own account

/** The caller's own account; 404 when there is none, whoever asks (so existence never leaks). */
async function myAccount(store: Store, kind: AccountKind, principal: Principal): Promise<Item> {
  const pointer = await store.get(TABLE, subjectIndexKey(kind, principal.unit, principal.sub));
  const unit = pointer?.unit as string | undefined;
  const item = unit ? await store.get(TABLE, accountKey(kind, unit, principal.sub)) : undefined;
  if (!item) throw notFound();
  return item;
}

export const myCitizen = async (store: Store, principal: Principal) => ownView('citizen', citizenSchema.parse(await myAccount(store, 'citizen', principal)));
export const myBusiness = async (store: Store, principal: Principal) =>
  ownView('business', businessSchema.parse(await myAccount(store, 'business', principal)));

// ---------------------------------------------------------------- disputes

export async function listDisputes(store: Store, unit: string, status: Dispute['status'], limit: number, cursor?: string) {
  const page = await store.query({ table: TABLE, index: 'gsi1', pk: disputeListing(unit), skBeginsWith: `${status}#`, limit, cursor });
  return { items: page.items.map((i) => disputeView(disputeSchema.parse(i))), cursor: page.cursor };
}

export interface Resolution {
  v: number;
  /** The party whose number it is, or null when none of them proved it. */
  owner: string | null;
  reason: string;
  checkedDocument?: CheckedDocument;
}

/**
 * Staff of the dispute's unit settle it: the owner keeps or gets the number (verified), every other party loses its
 * claim and the number leaves its account. A number bound to a verified owner stays with that owner; otherwise staff
 * bind it only on a document they checked. Audited in the unit's chain.
 */
export async function resolveDispute(deps: Deps, actor: Principal, unit: string, id: string, r: Resolution): Promise<DisputeView> {
  const { store } = deps;
  const item = await store.get(TABLE, disputeKey(unit, id));
  if (!item || item.unit !== unit) throw notFound();
  const before = disputeSchema.parse(item);
  if (before.status !== 'open' || before.v !== r.v) throw new ApiError('conflict');
  const owner = r.owner === null ? undefined : before.parties.find((p) => p.sub === r.owner);
  if (r.owner !== null && !owner) throw fieldError('body.owner', { zh: '不是该争议的当事账号', en: 'not a party to this dispute' });
  if (before.bound && owner?.ref !== before.bound) {
    throw fieldError('body.owner', {
      zh: '该号码已绑定经核验的账号，只能确认该账号',
      en: 'the number is bound to a verified account; only that account can be confirmed',
    });
  }
  const rebinding = owner && owner.ref !== before.bound;
  if (rebinding && !r.checkedDocument) {
    throw fieldError('body.checkedDocument', { zh: '确认归属前必须记录已核验的证件', en: 'record the document you checked before binding the number' });
  }
  const allowed: readonly string[] = before.kind === 'citizen' ? CITIZEN_DOCUMENTS : BUSINESS_DOCUMENTS;
  if (r.checkedDocument && !allowed.includes(r.checkedDocument.type)) {
    throw fieldError('body.checkedDocument.type', { zh: '该证件不能证明此类号码', en: 'this document does not prove this kind of number' });
  }
  const index = numberIndexSchema.parse(await store.get(TABLE, before.index));
  const records = await store.getMany(TABLE, before.parties.map((p) => accountKey(before.kind, p.unit, p.sub)));
  const at = deps.now().toISOString();
  const resolution = { owner: owner?.sub ?? null, reason: r.reason, by: actor.sub, at, ...(r.checkedDocument ? { document: r.checkedDocument } : {}) };
  const { bound: _bound, ...open } = before;
  const after: Dispute = { ...open, ...(owner ? { bound: owner.ref } : {}), status: 'resolved', resolution, v: before.v + 1 };
  const numberField = before.kind === 'citizen' ? 'idNumber' : 'creditCode';
  const writes: Write[] = [
    { op: 'put', table: TABLE, item: { ...item, ...after, gsi1sk: `resolved#${id}` }, expect: { version: before.v } },
    {
      op: 'put',
      table: TABLE,
      item: { ...before.index, ...(owner ? { bound: owner.ref } : {}), claims: [], v: index.v + 1 },
      expect: { version: index.v },
    },
    ...records.map((rec): Write => {
      const { [numberField]: number, ...rest } = rec;
      const { dispute: _dispute, ...kept } = rec.identity as IdentityState;
      const won = rec.ref === owner?.ref;
      const identity: IdentityState = !won
        ? { status: 'revoked', at }
        : rebinding
          ? { status: 'verified', via: 'resolution', by: actor.sub, document: r.checkedDocument!, at }
          : kept;
      return {
        op: 'put',
        table: TABLE,
        item: { ...rest, ...(won ? { [numberField]: number } : {}), identity, updatedAt: at, v: (rec.v as number) + 1 },
        expect: { version: rec.v as number },
      };
    }),
  ];
  await commitAudited(deps, deps.now(), unit, { actor, action: 'identity-dispute.resolve', subject: `dispute/${id}`, before: disputeView(before), after: disputeView(after) }, writes);
  return disputeView(after);
}
