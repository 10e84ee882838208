import { ancestorCandidates, depth } from '../../shared/codes';
import type { Store } from '../../shared/store/store';
import { readSettings, type Contact } from '../../tenants/settings';
import { toUnit, unitKey, type Unit } from '../../tenants/unit';
import type { Level } from '../../shared/levels';

/** What the footer of every page shows, from the unit that runs the site (政府网站发展指引, 国办发〔2017〕47号). */
export interface SiteInfo {
  /** The unit whose site this page belongs to: the unit itself from the host level up, else its ancestor there. */
  host: Unit;
  /** The site's name: the host's government (浙江省人民政府). */
  name: string;
  /** 主办单位: the host's government unless its settings name another body (its general office, say). */
  sponsor: string;
  contact: Contact;
  siteCode?: string;
  icp?: string;
  psb?: string;
  markUrl?: string;
}

export interface UnitView {
  unit: Unit;
  /** Existing ancestors, province first. */
  ancestors: Unit[];
  contact: Contact;
  /** The unit the contact details were set at, when not this one (they are inherited like every setting). */
  contactFrom?: Unit;
  site: SiteInfo;
}

/** A unit with its ancestors, settings and site: three batch reads at most. Undefined when there is no such unit. */
export async function unitView(store: Store, code: string): Promise<UnitView | undefined> {
  const above = ancestorCandidates(code);
  const items = await store.getMany('registry', [code, ...above].map(unitKey));
  const byCode = new Map(items.map((i) => [String(i.code), toUnit(i)]));
  const unit = byCode.get(code);
  if (!unit) return undefined;
  const ancestors = above.flatMap((c) => (byCode.has(c) ? [byCode.get(c)!] : [])).sort((a, b) => depth(a.level) - depth(b.level));
  const own = await readSettings(store, code);
  const hostLevel = own.effective.site.hostLevel as Level;
  const host =
    depth(unit.level) <= depth(hostLevel) ? unit : ([...ancestors].reverse().find((a) => depth(a.level) <= depth(hostLevel)) ?? ancestors[0] ?? unit);
  const hostSettings = host === unit ? own : await readSettings(store, host.code);
  const s = hostSettings.effective.site;
  // Site code, 标识 and sponsor name one site each: an ancestor's are not this site's. Filing numbers may be shared.
  const ownOf = (k: 'sponsor' | 'siteCode' | 'markUrl') => (hostSettings.sources.site[k] === host.code ? s[k] : undefined);
  return {
    unit,
    ancestors,
    contact: own.effective.contact,
    contactFrom: contactSource(own.sources.contact, unit, ancestors),
    site: {
      host,
      name: `${host.name}人民政府`,
      sponsor: ownOf('sponsor') ?? `${host.name}人民政府`,
      contact: hostSettings.effective.contact,
      siteCode: ownOf('siteCode'),
      icp: s.icp,
      psb: s.psb,
      markUrl: ownOf('markUrl'),
    },
  };
}

/** Whose contact details a unit shows: undefined when any of them is its own. */
function contactSource(sources: Record<string, string>, unit: Unit, ancestors: Unit[]): Unit | undefined {
  const from = new Set(Object.values(sources));
  if (from.size === 0 || from.has(unit.code)) return undefined;
  return [...ancestors].reverse().find((a) => from.has(a.code));
}
