// Tickets and letters of the demo province, written for this project (no real complaint is copied), filed and worked
// through the API by the people who would: citizens file, township and village staff dispatch and handle, the leader's
// office publishes. Four places, every state of the loop, two merged duplicates and a published letter.
import type { Role } from '../../shared/roles';
import type { DemoContext } from './runtime';

const PROVINCE = '330000000000';

/** Where the demo tickets go: a township that dispatches, a department of it and a village below it. */
const PLACES = [
  { township: '330106002000', village: '330106002051', dept: '综合办公室', name: '杭州市西湖区北山街道', at: { lat: 30.2625, lng: 120.1390 } },
  { township: '330122102000', village: '330122102213', dept: '村镇建设办公室', name: '桐庐县横村镇', at: { lat: 29.8453, lng: 119.6322 } },
  { township: '330523110000', village: '330523110214', dept: '社会事务办公室', name: '安吉县梅溪镇', at: { lat: 30.7604, lng: 119.7396 } },
  { township: '330782002000', village: '330782002216', dept: '城市管理办公室', name: '义乌市江东街道', at: { lat: 29.2950, lng: 120.0980 } },
] as const;

type Place = (typeof PLACES)[number];
type Call = <T = Record<string, unknown>>(method: string, path: string, body?: unknown, expect?: number) => Promise<T>;

/** What a ticket is asked to become: how far round the loop it goes. */
type Goal = 'filed' | 'accepted' | 'dispatched' | 'signed' | 'returned' | 'answered' | 'visited' | 'rated' | 'closed' | 'escalated';

interface Story {
  place: number;
  /** Filed to the village (else to the township). */
  village?: boolean;
  type: string;
  category: string;
  text: string;
  /** Metres east and north of the place, when the filer gave a location. */
  offset?: [number, number];
  goal: Goal;
  /** Dispatched to the village rather than the township's department. */
  toVillage?: boolean;
  anonymous?: boolean;
  answer?: string;
  rating?: number;
}

const STORIES: Story[] = [
  { place: 0, type: 'complaint', category: 'streetlight', text: '宝石山下保俶路北段有两盏路灯连续一周不亮，晚上散步的老人很多，容易摔倒。', offset: [30, 10], goal: 'closed', answer: '已安排维修，两盏路灯于本周三晚恢复照明。', rating: 5 },
  { place: 0, type: 'consultation', category: 'social', text: '请问退休人员异地就医备案在街道哪个窗口办理，需要带什么材料？', goal: 'rated', answer: '可在街道便民服务中心社保窗口办理，携带身份证和社保卡即可，也可在浙里办线上备案。', rating: 4 },
  { place: 0, village: true, type: 'help', category: 'water', text: '上保社区12幢楼下雨水井堵塞，下雨就积水，麻烦疏通一下。', offset: [-40, 25], goal: 'escalated' },
  { place: 0, type: 'suggestion', category: 'greening', text: '建议在北山街沿湖步道多设几张休息长椅，方便游客和居民。', offset: [120, -60], goal: 'filed' },
  { place: 1, type: 'complaint', category: 'road', text: '横村镇湾下村通往镇上的村道有一段路面塌陷，电动车经过很危险。', offset: [200, 150], goal: 'signed', toVillage: true },
  { place: 1, type: 'complaint', category: 'sanitation', text: '横村镇菜市场后面的垃圾房三天没清运，气味很大。', offset: [10, -20], goal: 'answered', answer: '已督促保洁公司当日清运，并调整为每日清运一次。' },
  { place: 1, type: 'help', category: 'other', text: '湾下村有位独居老人家里屋顶漏雨，希望村里帮忙看看。', goal: 'dispatched', toVillage: true },
  { place: 1, type: 'praise', category: 'other', text: '表扬横村镇便民服务中心的工作人员，帮我母亲上门办理了社保认证，非常耐心。', goal: 'closed', answer: '感谢您的认可，我们会继续做好上门服务。', rating: 5 },
  { place: 2, type: 'complaint', category: 'noise', text: '梅溪镇管城村旁边的石料厂夜里还在作业，机器声音很大，影响休息。', offset: [80, 40], goal: 'visited', toVillage: true, answer: '经核实，石料厂已停止夜间作业，村里将每周巡查。', anonymous: true },
  { place: 2, type: 'consultation', category: 'education', text: '孩子明年上小学，户口在外地，在梅溪镇上学需要准备哪些材料？', goal: 'accepted' },
  { place: 2, type: 'report', category: 'conduct', text: '反映管城村某村干部在危房改造补助评定中优亲厚友，请核查。', goal: 'accepted' },
  { place: 3, type: 'complaint', category: 'traffic', text: '江东街道毛店村路口的红绿灯坏了，一直闪黄灯，早上上学时段车很乱。', offset: [15, 5], goal: 'returned' },
  { place: 3, type: 'help', category: 'property', text: '江东街道某小区消防通道长期被私家车占用，物业说管不了。', offset: [-90, 70], goal: 'closed', answer: '街道已会同物业和交警清理消防通道，并施划禁停标线。', rating: 2 },
];

/** Two filers of one matter near each other: the second is merged into the first. */
const DUPLICATES = [
  { place: 3, category: 'streetlight', texts: ['毛店村村口到小学那段路的路灯晚上都不亮，孩子晚自习回家路上很黑。', '毛店村小学门口东边一排路灯坏了好几天，天黑以后整条路漆黑一片。'] },
  { place: 2, category: 'water', texts: ['管城村这几天自来水发黄，烧开了还有股铁锈味。', '我们管城村的自来水颜色浑浊发黄，不敢喝，请检测一下水质。'] },
];

const LETTERS = [
  { consent: true, text: '尊敬的街道领导：北山街道老年人多，建议在社区食堂增加送餐上门服务，方便行动不便的老人。', answer: '感谢您的建议。街道已与社区食堂商定，下月起为八十岁以上独居老人提供送餐上门服务。' },
  { consent: false, text: '尊敬的领导：我家附近的老旧小区改造什么时候开始？施工期间停车怎么安排？', answer: '改造计划于明年春季启动，施工期间将在周边学校操场设置临时停车位。' },
];

/** Metres to degrees near the place. */
const near = (p: Place, [east, north]: [number, number]) => ({
  lat: Number((p.at.lat + north / 111_320).toFixed(6)),
  lng: Number((p.at.lng + east / (111_320 * Math.cos((p.at.lat * Math.PI) / 180))).toFixed(6)),
});

export async function seedDemoTickets(ctx: DemoContext): Promise<void> {
  const as = async (role: Role, unit: string): Promise<Call> => {
    const token = await ctx.token(role, unit);
    return async (method, path, body, expect) => {
      const res = await fetch(`${ctx.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as never;
      if (expect !== undefined && res.status !== expect) throw new Error(`demo tickets: ${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
      return json;
    };
  };
  const admin = await as('province-admin', PROVINCE);
  // Once: the first township's list tells whether the demo tickets are there.
  const listed = await admin<{ items: unknown[] }>('GET', `/v1/units/${PLACES[0].township}/tickets?limit=1`, undefined, 200);
  if (listed.items.length > 0) return;

  // The people: a department at each township with its staff member; a staff member at each village, in its office.
  const deptAt = async (unit: string, name: string) => {
    const list = await admin<{ items: { id: string; name: string }[] }>('GET', `/v1/units/${unit}/departments?limit=100`, undefined, 200);
    return list.items.find((d) => d.name === name)?.id ?? (await admin<{ id: string }>('POST', `/v1/units/${unit}/departments`, { name }, 201)).id;
  };
  const depts: string[] = [];
  for (const p of PLACES) {
    const dept = await deptAt(p.township, p.dept);
    depts.push(dept);
    for (const [unit, role, name, deptId] of [
      [p.township, 'unit-admin', `${p.name}管理员`, undefined],
      [p.township, 'staff', `${p.name}${p.dept}工作人员`, dept],
      [p.village, 'staff', `${p.name}村（社区）工作人员`, await deptAt(p.village, '村（居）务办公室')],
    ] as const) {
      const body = { sub: `demo-${role}-${unit}`, name, role, ...(deptId ? { deptId } : {}) };
      const made = await admin<{ error?: { code: string } }>('POST', `/v1/units/${unit}/staff`, body);
      if (made.error && made.error.code !== 'already_exists') throw new Error(`demo tickets: account ${body.sub} refused: ${JSON.stringify(made)}`);
    }
  }
  // 北山街道's 综合办公室 is also its leader's office, which dispatches letters to the leadership.
  const settings = await admin<{ v: number }>('GET', `/v1/units/${PLACES[0].township}/settings`, undefined, 200);
  await admin('PUT', `/v1/units/${PLACES[0].township}/settings`, { v: settings.v, tickets: { leaderOffice: depts[0] } }, 200);

  const counts: Record<string, number> = {};
  for (const s of STORIES) {
    const p = PLACES[s.place]!;
    const home = s.village ? p.village : p.township;
    const citizen = await as('citizen', home);
    const filed = await citizen<{ id: string }>(
      'POST',
      `/v1/units/${home}/tickets`,
      { type: s.type, category: s.category, text: s.text, ...(s.offset ? { location: near(p, s.offset) } : {}), ...(s.anonymous ? { anonymous: true } : {}) },
      201,
    );
    await workOn(as, p, depts[s.place]!, home, filed.id, s, citizen);
    counts[s.goal] = (counts[s.goal] ?? 0) + 1;
  }

  for (const d of DUPLICATES) {
    const p = PLACES[d.place]!;
    const dispatcher = await as('unit-admin', p.township);
    const ids: string[] = [];
    for (const [i, text] of d.texts.entries()) {
      const filer = await as(i === 0 ? 'citizen' : 'business', p.township);
      ids.push((await filer<{ id: string }>('POST', `/v1/units/${p.township}/tickets`, { type: 'complaint', category: d.category, text, location: near(p, [300 + i * 40, 200 + i * 30]) }, 201)).id);
    }
    for (const id of ids) await dispatcher('POST', `/v1/units/${p.township}/tickets/${id}/actions`, { action: 'accept' }, 200);
    const suggested = await dispatcher<{ items: { id: string }[] }>('GET', `/v1/units/${p.township}/tickets/${ids[1]}/duplicates`, undefined, 200);
    if (!suggested.items.some((s) => s.id === ids[0])) ctx.log(`demo: ${ids[1]} was not suggested as a duplicate of ${ids[0]}; merged all the same`);
    await dispatcher('POST', `/v1/units/${p.township}/tickets/${ids[1]}/merge`, { into: { home: p.township, id: ids[0] } }, 200);
    await dispatcher('POST', `/v1/units/${p.township}/tickets/${ids[0]}/actions`, { action: 'dispatch', to: { dept: depts[d.place] } }, 200);
  }

  // Letters to 北山街道's leadership: dispatched by its office to 上保社区, answered, one published with consent.
  const p = PLACES[0];
  const office = await as('staff', p.township);
  const community = await as('staff', p.village);
  for (const l of LETTERS) {
    const writer = await as('citizen', p.village);
    const { id } = await writer<{ id: string }>('POST', `/v1/units/${p.township}/tickets`, { type: 'suggestion', category: 'social', text: l.text, mailbox: true, publishConsent: l.consent }, 201);
    const act = (call: Call, body: object) => call('POST', `/v1/units/${p.township}/tickets/${id}/actions`, body, 200);
    await act(office, { action: 'accept' });
    await act(office, { action: 'dispatch', to: { unit: p.village } });
    await act(community, { action: 'sign' });
    await act(community, { action: 'answer', note: l.answer });
    if (l.consent) await office('POST', `/v1/units/${p.township}/tickets/${id}/publication`, {}, 201);
  }
  ctx.log(
    `demo: ${STORIES.length + DUPLICATES.length * 2 + LETTERS.length} tickets and letters in ${PLACES.map((x) => x.name).join('、')} (${Object.entries(counts)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}, ${DUPLICATES.length} merged, 1 letter published)`,
  );
}

/** Takes a filed ticket as far round the loop as the story says, each step by whoever takes it. */
async function workOn(as: (role: Role, unit: string) => Promise<Call>, p: Place, dept: string, home: string, id: string, s: Story, filer: Call) {
  const act = async (role: Role, unit: string, body: object) => (await as(role, unit))('POST', `/v1/units/${home}/tickets/${id}/actions`, body, 200);
  if (s.goal === 'filed') return;
  if (home === p.village) {
    // Filed at the village: its staff take it up, and pass what the village cannot do up to the township.
    await act('staff', p.village, { action: 'escalate', note: '需街道（镇）统筹处理' });
    if (s.goal === 'escalated') return;
    throw new Error('demo tickets: a village ticket waits at the township once escalated');
  }
  await act('unit-admin', p.township, { action: 'accept' });
  if (s.goal === 'accepted') return;
  const handler: [Role, string] = s.toVillage ? ['staff', p.village] : ['staff', p.township];
  await act('unit-admin', p.township, { action: 'dispatch', to: s.toVillage ? { unit: p.village } : { dept } });
  if (s.goal === 'dispatched') return;
  if (s.goal === 'returned') {
    await act(...handler, { action: 'return', note: '该路口信号灯由交警部门负责，请改派' });
    return;
  }
  await act(...handler, { action: 'sign' });
  if (s.goal === 'signed') return;
  await act(...handler, { action: 'answer', note: s.answer ?? '已办理' });
  if (s.goal === 'answered') return;
  await act('unit-admin', p.township, { action: 'callback', note: '已电话回访来信人' });
  if (s.goal === 'visited') return;
  if (s.rating) await filer('POST', `/v1/units/${home}/tickets/${id}/rating`, { level: s.rating }, 200);
  if (s.goal === 'rated') return;
  await act('unit-admin', p.township, { action: 'complete' });
}
