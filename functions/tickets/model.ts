import * as z from '../../shared/zod';
import type { Text } from '../../shared/i18n';
import { maskPhone, maskResidentId } from '../../shared/identity-codes';
import { attachmentSchema } from '../uploads/attachments';

/**
 * 诉求 (tickets): what a citizen, a business or a hotline operator on a caller's behalf brings to a unit. The record
 * shapes, the kinds and categories, and the masking of personal data in free text live here; the loop is in
 * tickets.ts, duplicates in duplicates.ts.
 */

export const KIND = 'ticket';

/** 咨询, 求助, 投诉, 举报, 建议, 表扬. */
export const TICKET_TYPES = ['consultation', 'help', 'complaint', 'report', 'suggestion', 'praise'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];
export const TYPE_NAMES: Record<TicketType, Text> = {
  consultation: { zh: '咨询', en: 'Consultation' },
  help: { zh: '求助', en: 'Request for help' },
  complaint: { zh: '投诉', en: 'Complaint' },
  report: { zh: '举报', en: 'Report' },
  suggestion: { zh: '建议', en: 'Suggestion' },
  praise: { zh: '表扬', en: 'Praise' },
};

/**
 * What a ticket is about: a short fixed list (a hotline's first-level 分类), which is also what Open311 clients see as
 * services. Fixed in code so that statistics and the duplicate index stay bounded.
 */
export const CATEGORIES = {
  streetlight: { zh: '路灯照明', en: 'Street lighting' },
  road: { zh: '道路设施', en: 'Roads and pavements' },
  sanitation: { zh: '环境卫生', en: 'Sanitation and litter' },
  noise: { zh: '噪声扰民', en: 'Noise' },
  water: { zh: '供水排水', en: 'Water supply and drainage' },
  greening: { zh: '园林绿化', en: 'Parks and greenery' },
  traffic: { zh: '交通出行', en: 'Traffic and transport' },
  property: { zh: '物业管理', en: 'Property management' },
  social: { zh: '社会保障', en: 'Social security' },
  education: { zh: '教育', en: 'Education' },
  health: { zh: '医疗卫生', en: 'Health' },
  market: { zh: '市场监管', en: 'Market supervision' },
  conduct: { zh: '干部作风', en: 'Conduct of officials' },
  other: { zh: '其他', en: 'Other' },
} as const satisfies Record<string, Text>;
export type Category = keyof typeof CATEGORIES;
export const CATEGORY_CODES = Object.keys(CATEGORIES) as [Category, ...Category[]];

export const CHANNELS = ['online', 'phone', 'open311', 'mailbox'] as const;

/**
 * Statuses of a ticket's case. Open ones run a deadline and may be escalated; `merged` is handled through another
 * ticket; `closed` is 办结.
 */
export const STATUSES = ['filed', 'accepted', 'dispatched', 'signed', 'returned', 'answered', 'visited', 'rated', 'closed', 'merged'] as const;
export type Status = (typeof STATUSES)[number];
export const OPEN: ReadonlySet<string> = new Set(['filed', 'accepted', 'dispatched', 'signed', 'returned', 'answered', 'visited', 'rated']);

/** 好差评's five levels, 5 = 非常满意 … 1 = 非常不满意; 1 and 2 are 差评. */
export const RATING_LEVELS = [1, 2, 3, 4, 5] as const;

/**
 * Mainland China, roughly: the bounding box of its territory (Zengmu Reef to Mohe, Pamirs to the Wusu river). A
 * location outside is a mistake (swapped coordinates, a default 0,0), not a matter for a Chinese unit.
 */
export const CHINA_BOX = { minLat: 3.8, maxLat: 53.6, minLng: 73.4, maxLng: 135.1 } as const;
export const inChina = (lat: number, lng: number) =>
  lat >= CHINA_BOX.minLat && lat <= CHINA_BOX.maxLat && lng >= CHINA_BOX.minLng && lng <= CHINA_BOX.maxLng;

export const locationSchema = z.object({ lat: z.number(), lng: z.number(), address: z.optional(z.string()) });
export type Location = z.infer<typeof locationSchema>;

/** Files as the uploads capability's claim returns them: key, name, type, size. */
export { attachmentSchema };

export const filerSchema = z.object({
  /** The account that filed (absent for a caller the hotline operator recorded without one). */
  sub: z.optional(z.string()),
  role: z.optional(z.string()),
  name: z.optional(z.string()),
  phone: z.optional(z.string()),
  /** Not to be shown to the handling department or unit. */
  anonymous: z.boolean(),
});
export type Filer = z.infer<typeof filerSchema>;

export const replySchema = z.object({
  at: z.string(),
  unit: z.string(),
  by: z.string(),
  text: z.string(),
  /** For a reply copied back when a merge was undone: the ticket it was given on. */
  via: z.optional(z.string()),
});
export type Reply = z.infer<typeof replySchema>;

export const ratingSchema = z.object({ level: z.int(), comment: z.optional(z.string()), at: z.string() });

/** A ticket's title when its filer gave none: the start of its text, on one line. */
export const titleOf = (text: string) => text.replace(/\s+/g, ' ').slice(0, 30);

/** A ticket reference across units: the unit it was filed to and its id. */
export const refSchema = z.object({ home: z.string(), id: z.string() });
export type Ref = z.infer<typeof refSchema>;
export const refString = (r: Ref) => `${r.home}/${r.id}`;

/**
 * The ticket's content, kept at the unit it was filed to (its home) whoever works on it: the filer's words and data,
 * the replies, the rating, merges. Its flow (status, deadline, who holds it, history) is its case (escalation.ts).
 */
export const ticketSchema = z.object({
  id: z.string(),
  home: z.string(),
  type: z.enum(TICKET_TYPES),
  category: z.enum(CATEGORY_CODES),
  title: z.string(),
  text: z.string(),
  location: z.optional(locationSchema),
  attachments: z.array(attachmentSchema),
  channel: z.enum(CHANNELS),
  filer: filerSchema,
  /** The operator who recorded a phone call, or the Open311 client that filed. */
  recordedBy: z.optional(z.string()),
  /** 领导信箱: a letter to the unit's leadership, dispatched by the leader's office. */
  mailbox: z.boolean(),
  /** The writer agrees that letter and answer be published, with personal data removed. */
  publishConsent: z.boolean(),
  published: z.optional(z.object({ at: z.string(), by: z.string(), question: z.string(), answer: z.string() })),
  replies: z.array(replySchema),
  rating: z.optional(ratingSchema),
  /** This ticket is handled through that one. */
  mergedInto: z.optional(refSchema),
  mergedAt: z.optional(z.string()),
  /** Tickets handled through this one. */
  merged: z.array(refSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  v: z.int(),
});
export type Ticket = z.infer<typeof ticketSchema>;

// Mobile numbers, landlines with an area code, and resident ID numbers, standing alone among other characters.
const MOBILE = /(?<![\d])(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)/g;
const LANDLINE = /(?<![\d-])0\d{2,3}-\d{7,8}(?!\d)/g;
const RESIDENT_ID = /(?<![\dXx])\d{17}[\dXx](?![\dXx\d])/g;

/** Free text with every phone and ID number in it masked as the platform masks them elsewhere. */
export function maskText(text: string): string {
  return text.replace(RESIDENT_ID, (m) => maskResidentId(m)).replace(MOBILE, (m) => maskPhone(m)).replace(LANDLINE, (m) => maskPhone(m));
}

/** Title, text and address with personal numbers masked: what is kept in the case record and shown to most. */
export const maskedContent = (t: Pick<Ticket, 'title' | 'text'>) => ({ title: maskText(t.title), body: maskText(t.text) });
