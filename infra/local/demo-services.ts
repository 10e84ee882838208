// The demo province's catalogue of services, written for this project: items defined once at 浙江省 (330000), adopted
// by cities, counties and a township with their own departments and shorter promises, and two bundles (一件事) at
// 西湖区. Everything goes through the API as the province's and the units' admins would do it.
import type { Role } from '../../shared/roles';

type Api = <T>(method: string, path: string, body?: string) => Promise<{ status: number; json: T }>;
type As = (role: Role, unit: string) => Promise<Api>;

const PROVINCE = '330000000000';

/** Province departments (厅局), and the name each county's counterpart goes by. */
const DEPTS: Record<string, string> = {
  省公安厅: '公安分局',
  省卫生健康委员会: '卫生健康局',
  省医疗保障局: '医疗保障局',
  省教育厅: '教育局',
  省人力资源和社会保障厅: '人力资源和社会保障局',
  省民政厅: '民政局',
  省住房和城乡建设厅: '住房和城乡建设局',
  省市场监督管理局: '市场监督管理局',
  省税务局: '税务局',
  省自然资源厅: '自然资源和规划分局',
};

const person = [
  { name: 'applicantName', label: '申请人姓名', type: 'text', required: true, max: 50 },
  { name: 'phone', label: '联系电话', type: 'mobile', required: true },
];
const company = [
  { name: 'companyName', label: '企业名称', type: 'text', required: true, max: 100 },
  { name: 'legalPerson', label: '法定代表人', type: 'text', required: true, max: 50 },
  { name: 'phone', label: '联系电话', type: 'mobile', required: true },
];
const text = (name: string, label: string, required = true) => ({ name, label, type: 'text', required, max: 100 });
const date = (name: string, label: string) => ({ name, label, type: 'date', required: true });
const choice = (name: string, label: string, options: string[]) => ({ name, label, type: 'choice', required: true, options });

interface Demo {
  code: string;
  name: string;
  type: string;
  dept: keyof typeof DEPTS;
  life?: string[];
  biz?: string[];
  days: [number, number];
  online: string;
  conditions: string;
  materials: string[];
  form: object[];
  fee?: string;
}

const baby = [text('babyName', '新生儿姓名'), date('birthDate', '出生日期')];

/** Thirty-six items across life events and business stages; limits are [statutory, promised] working days. */
const ITEMS: Demo[] = [
  { code: '330000-SV-001', name: '出生医学证明签发', type: 'public-service', dept: '省卫生健康委员会', life: ['birth'], days: [10, 3], online: 'online', conditions: '在本省助产机构出生的新生儿，由父母或监护人申请。', materials: ['父母双方身份证', '新生儿出生信息'], form: [...person, ...baby, choice('hospital', '助产机构', ['浙江大学医学院附属妇产科医院', '杭州市妇产科医院', '其他助产机构'])] },
  { code: '330000-SV-002', name: '新生儿户口登记', type: 'confirmation', dept: '省公安厅', life: ['birth', 'household'], days: [20, 5], online: 'online', conditions: '新生儿出生后一个月内，在父亲或母亲户口所在地申报。', materials: ['出生医学证明', '父母户口簿', '父母结婚证'], form: [...person, ...baby, text('householdNo', '户主姓名')] },
  { code: '330000-SV-003', name: '新生儿城乡居民医保参保登记', type: 'public-service', dept: '省医疗保障局', life: ['birth', 'medical'], days: [10, 3], online: 'online', conditions: '本省户籍或持本省居住证的新生儿。', materials: ['新生儿户口簿或出生医学证明'], form: [...person, ...baby, choice('payer', '缴费方式', ['银行代扣', '自行缴纳'])] },
  { code: '330000-SV-004', name: '生育津贴申领', type: 'benefit', dept: '省医疗保障局', life: ['birth', 'family'], days: [20, 10], online: 'online', conditions: '参加职工生育保险并符合规定缴费期限的职工。', materials: ['出生医学证明', '银行账户信息'], form: [...person, ...baby, text('employer', '工作单位')] },
  { code: '330000-SV-005', name: '义务教育阶段入学登记', type: 'public-service', dept: '省教育厅', life: ['school'], days: [20, 10], online: 'online-review', conditions: '适龄儿童少年在户籍或居住地学区登记入学。', materials: ['户口簿', '房产证明或居住证'], form: [...person, text('childName', '学生姓名'), choice('grade', '入学年级', ['小学一年级', '初中一年级'])] },
  { code: '330000-SV-006', name: '家庭经济困难学生资助申请', type: 'benefit', dept: '省教育厅', life: ['school', 'relief'], days: [30, 15], online: 'online-review', conditions: '在校就读且家庭经济困难的学生。', materials: ['家庭经济困难情况说明'], form: [...person, text('childName', '学生姓名'), text('school', '就读学校')] },
  { code: '330000-SV-007', name: '失业登记', type: 'public-service', dept: '省人力资源和社会保障厅', life: ['employment'], days: [5, 1], online: 'online', conditions: '法定劳动年龄内、有劳动能力和就业要求、处于无业状态的人员。', materials: ['身份证'], form: [...person, date('leftOn', '离职日期')] },
  { code: '330000-SV-008', name: '失业保险金申领', type: 'benefit', dept: '省人力资源和社会保障厅', life: ['employment', 'social-insurance'], days: [20, 5], online: 'online', conditions: '非因本人意愿中断就业且缴纳失业保险满一年。', materials: ['身份证', '解除劳动合同证明'], form: [...person, date('leftOn', '离职日期'), text('bankAccount', '收款银行账号')] },
  { code: '330000-SV-009', name: '职业技能培训补贴申领', type: 'benefit', dept: '省人力资源和社会保障厅', life: ['employment'], days: [20, 10], online: 'online', conditions: '参加培训并取得职业资格证书或职业技能等级证书的人员。', materials: ['培训结业证明', '证书'], form: [...person, text('certificate', '证书名称')] },
  { code: '330000-SV-010', name: '婚姻登记预约', type: 'confirmation', dept: '省民政厅', life: ['family'], days: [1, 0], online: 'online-booking', conditions: '符合法定结婚条件的男女双方。', materials: ['双方身份证', '双方户口簿'], form: [...person, text('partnerName', '另一方姓名'), date('bookedOn', '预约日期')] },
  { code: '330000-SV-011', name: '生育登记', type: 'public-service', dept: '省卫生健康委员会', life: ['family', 'birth'], days: [5, 1], online: 'online', conditions: '在本省生育子女的夫妻。', materials: ['夫妻双方身份证'], form: [...person, text('partnerName', '配偶姓名')] },
  { code: '330000-SV-012', name: '住房公积金提取（租房）', type: 'public-service', dept: '省住房和城乡建设厅', life: ['housing'], days: [5, 1], online: 'online', conditions: '本人及配偶在缴存地无自有住房且租房居住。', materials: ['租赁合同'], form: [...person, text('address', '租住地址')] },
  { code: '330000-SV-013', name: '公共租赁住房申请', type: 'benefit', dept: '省住房和城乡建设厅', life: ['housing', 'relief'], days: [30, 20], online: 'online-review', conditions: '住房困难且收入符合当地标准的家庭。', materials: ['家庭收入证明', '住房情况说明'], form: [...person, choice('household', '家庭人口', ['1人', '2人', '3人及以上'])] },
  { code: '330000-SV-014', name: '城乡居民基本养老保险参保登记', type: 'public-service', dept: '省人力资源和社会保障厅', life: ['social-insurance', 'elderly'], days: [5, 1], online: 'online', conditions: '年满16周岁、不是在校学生、未参加职工养老保险的居民。', materials: ['身份证'], form: [...person, choice('grade', '缴费档次', ['100元', '300元', '500元', '1000元'])] },
  { code: '330000-SV-015', name: '社会保障卡申领', type: 'public-service', dept: '省人力资源和社会保障厅', life: ['social-insurance'], days: [15, 5], online: 'online', conditions: '参加本省社会保险的人员。', materials: ['身份证', '近期免冠照片'], form: [...person, text('mailAddress', '邮寄地址')] },
  { code: '330000-SV-016', name: '异地就医备案', type: 'public-service', dept: '省医疗保障局', life: ['medical', 'travel'], days: [3, 0], online: 'online', kind: 'instant', conditions: '参保人员到省外长期居住或临时外出就医。', materials: ['备案承诺书'], form: [...person, text('destination', '就医地')] } as Demo,
  { code: '330000-SV-017', name: '门诊慢特病待遇认定', type: 'confirmation', dept: '省医疗保障局', life: ['medical'], days: [20, 10], online: 'online-review', conditions: '患有规定病种并经医疗机构诊断的参保人员。', materials: ['病历资料', '检查报告'], form: [...person, text('disease', '病种')] },
  { code: '330000-SV-018', name: '高龄津贴申领', type: 'benefit', dept: '省民政厅', life: ['elderly'], days: [20, 10], online: 'online', conditions: '本省户籍年满80周岁的老年人。', materials: ['身份证', '银行账户信息'], form: [...person, text('elderName', '老人姓名')] },
  { code: '330000-SV-019', name: '城乡居民养老保险待遇领取', type: 'benefit', dept: '省人力资源和社会保障厅', life: ['elderly', 'social-insurance'], days: [20, 5], online: 'online', conditions: '年满60周岁且累计缴费满15年的参保人员。', materials: ['身份证'], form: [...person, text('bankAccount', '收款银行账号')] },
  { code: '330000-SV-020', name: '居民死亡医学证明签发', type: 'public-service', dept: '省卫生健康委员会', life: ['after-death'], days: [5, 1], online: 'counter', conditions: '在医疗机构内或家中死亡的居民，由家属申请。', materials: ['死者身份证', '申请人身份证'], form: [...person, text('deceasedName', '逝者姓名'), date('diedOn', '死亡日期')] },
  { code: '330000-SV-021', name: '丧葬补助金申领', type: 'benefit', dept: '省人力资源和社会保障厅', life: ['after-death', 'social-insurance'], days: [20, 5], online: 'online', conditions: '参保人员死亡后，其遗属可申领。', materials: ['死亡证明', '亲属关系证明'], form: [...person, text('deceasedName', '逝者姓名'), date('diedOn', '死亡日期')] },
  { code: '330000-SV-022', name: '死亡人员户口注销', type: 'confirmation', dept: '省公安厅', life: ['after-death', 'household'], days: [5, 1], online: 'online', conditions: '公民死亡后一个月内，由户主、亲属办理。', materials: ['死亡证明', '户口簿'], form: [...person, text('deceasedName', '逝者姓名'), date('diedOn', '死亡日期')] },
  { code: '330000-SV-023', name: '居住证申领', type: 'confirmation', dept: '省公安厅', life: ['household', 'housing'], days: [15, 5], online: 'online', conditions: '在居住地居住半年以上，有合法稳定就业、住所或连续就读的人员。', materials: ['身份证', '居住证明'], form: [...person, text('address', '居住地址')] },
  { code: '330000-SV-024', name: '机动车驾驶证期满换证', type: 'licensing', dept: '省公安厅', life: ['travel'], days: [5, 1], online: 'online', conditions: '驾驶证有效期满前九十日内。', materials: ['身份证', '体检证明'], form: [...person, text('licenceNo', '驾驶证号')] },
  { code: '330000-SV-025', name: '最低生活保障申请', type: 'benefit', dept: '省民政厅', life: ['relief'], days: [30, 15], online: 'online-review', conditions: '家庭人均收入低于当地低保标准且财产符合规定。', materials: ['家庭收入与财产申报'], form: [...person, choice('household', '家庭人口', ['1人', '2人', '3人及以上'])] },
  { code: '330000-SV-026', name: '企业设立登记', type: 'licensing', dept: '省市场监督管理局', biz: ['start'], days: [15, 1], online: 'online', conditions: '申请设立有限责任公司、股份有限公司等企业。', materials: ['公司章程', '股东主体资格证明', '住所使用证明'], form: [...company, text('bizAddress', '经营场所')] },
  { code: '330000-SV-027', name: '印章刻制备案', type: 'other-power', dept: '省公安厅', biz: ['start'], days: [5, 0], online: 'online', kind: 'instant', conditions: '新设立的企业刻制公章、财务章等印章。', materials: ['营业执照'], form: [...company] } as Demo,
  { code: '330000-SV-028', name: '企业员工社会保险参保登记', type: 'public-service', dept: '省人力资源和社会保障厅', biz: ['start', 'hiring'], days: [5, 1], online: 'online', conditions: '新设立或新招用职工的用人单位。', materials: ['营业执照', '职工名册'], form: [...company, choice('staffCount', '参保人数', ['10人以下', '10至50人', '50人以上'])] },
  { code: '330000-SV-029', name: '首次申领发票', type: 'other-power', dept: '省税务局', biz: ['start', 'tax'], days: [5, 0], online: 'online', kind: 'instant', conditions: '已办理涉税信息确认的新办纳税人。', materials: ['经办人身份证'], form: [...company, choice('invoiceKind', '发票种类', ['增值税普通发票', '增值税专用发票'])] } as Demo,
  { code: '330000-SV-030', name: '食品经营许可', type: 'licensing', dept: '省市场监督管理局', biz: ['permit'], days: [20, 5], online: 'online-review', conditions: '从事食品销售和餐饮服务的经营者。', materials: ['经营场所平面图', '食品安全管理制度'], form: [...company, choice('bizKind', '经营项目', ['食品销售', '餐饮服务', '单位食堂'])] },
  { code: '330000-SV-031', name: '公共场所卫生许可', type: 'licensing', dept: '省卫生健康委员会', biz: ['permit'], days: [20, 5], online: 'online-review', conditions: '宾馆、美容美发、游泳场所等公共场所经营者。', materials: ['卫生检测报告', '卫生管理制度'], form: [...company, text('placeName', '场所名称')] },
  { code: '330000-SV-032', name: '增值税纳税申报', type: 'other-power', dept: '省税务局', biz: ['operate', 'tax'], days: [1, 0], online: 'online', kind: 'instant', conditions: '增值税纳税人在申报期内申报。', materials: ['申报表'], form: [...company, text('period', '所属期')] } as Demo,
  { code: '330000-SV-033', name: '企业变更登记', type: 'licensing', dept: '省市场监督管理局', biz: ['change'], days: [15, 1], online: 'online', conditions: '企业名称、住所、法定代表人、经营范围等登记事项变更。', materials: ['变更登记申请书', '股东会决议'], form: [...company, choice('changeKind', '变更事项', ['名称', '住所', '法定代表人', '经营范围'])] },
  { code: '330000-SV-034', name: '企业简易注销登记', type: 'licensing', dept: '省市场监督管理局', biz: ['close'], days: [20, 3], online: 'online', conditions: '未发生债权债务或已清偿完毕的企业。', materials: ['全体投资人承诺书'], form: [...company, date('closeOn', '拟注销日期')] },
  { code: '330000-SV-035', name: '建设工程规划许可', type: 'licensing', dept: '省自然资源厅', biz: ['construction'], days: [20, 10], online: 'online-review', conditions: '在城镇开发边界内进行建筑物、构筑物等工程建设。', materials: ['建设工程设计方案', '用地证明'], form: [...company, text('projectName', '项目名称')] },
  { code: '330000-SV-036', name: '单位招用人员就业登记', type: 'public-service', dept: '省人力资源和社会保障厅', biz: ['hiring'], days: [5, 1], online: 'online', conditions: '用人单位招用劳动者后三十日内。', materials: ['劳动合同'], form: [...company, text('employeeName', '员工姓名')] },
];

/** Who adopts what: [unit, items (all when absent), how many days shorter they promise]. */
const ADOPTERS: [string, string, ((code: string) => boolean) | undefined, number][] = [
  ['330106000000', '西湖区', undefined, 0],
  ['330106002000', '北山街道', (c) => Number(c.slice(-3)) <= 25, 0],
  ['330100000000', '杭州市', (c) => Number(c.slice(-3)) > 25, 0],
  ['330200000000', '宁波市', (c) => Number(c.slice(-3)) > 25, 1],
  ['330110000000', '余杭区', undefined, 1],
  ['330212000000', '鄞州区', (c) => Number(c.slice(-3)) <= 25, 1],
];

/** The adopters' admins beyond those the demo already has, set up by the province admin. */
const ADMINS = ['330106000000', '330200000000', '330110000000', '330212000000'];

const BUNDLES = [
  { id: 'birth', name: '出生一件事', description: '出生医学证明、新生儿户口登记、新生儿医保参保，一张表、一次提交。', items: ['330000-SV-001', '330000-SV-002', '330000-SV-003'] },
  { id: 'company-start', name: '开办企业一件事', description: '企业设立登记、印章刻制、员工参保、首次申领发票，一次提交、并联办理。', items: ['330000-SV-026', '330000-SV-027', '330000-SV-028', '330000-SV-029'] },
];

const ok = (what: string, r: { status: number; json: unknown }) => {
  if (r.status >= 300 && r.status !== 409) throw new Error(`demo services: ${what} was refused: ${r.status} ${JSON.stringify(r.json)}`);
};

async function departments(api: Api, unit: string, names: string[]): Promise<Map<string, string>> {
  const list = await api<{ items: { id: string; name: string }[] }>('GET', `/v1/units/${unit}/departments?limit=100`);
  const have = new Map(list.json.items.map((d) => [d.name, d.id]));
  for (const name of names) {
    if (have.has(name)) continue;
    const r = await api<{ id: string }>('POST', `/v1/units/${unit}/departments`, JSON.stringify({ name }));
    ok(`department ${name} at ${unit}`, r);
    have.set(name, r.json.id);
  }
  return have;
}

export async function seedServices(log: (line: string) => void, as: As): Promise<void> {
  const province = await as('province-admin', PROVINCE);
  for (const unit of ADMINS) {
    const r = await province('POST', `/v1/units/${unit}/staff`, JSON.stringify({ sub: `demo-unit-admin-${unit}`, name: '政务服务管理员', role: 'unit-admin' }));
    ok(`the admin of ${unit}`, r);
  }
  const provinceDepts = await departments(province, PROVINCE, Object.keys(DEPTS));
  for (const i of ITEMS) {
    const { dept, life, biz, days, materials, fee, ...rest } = i;
    const kind = (i as { kind?: string }).kind ?? 'promised';
    const body = {
      ...rest,
      kind,
      competentDepartment: dept,
      deptId: provinceDepts.get(dept),
      legalBasis: '依据相关法律法规及本省政务服务事项实施清单',
      fee: fee ?? '不收费',
      statutoryDays: days[0],
      promisedDays: kind === 'instant' ? 0 : days[1],
      lifeEvents: life ?? [],
      businessStages: biz ?? [],
      materials: materials.map((name) => ({ name, required: true, copies: 1 })),
    };
    ok(`item ${i.code}`, await province('POST', `/v1/units/${PROVINCE}/service-items`, JSON.stringify(body)));
  }
  for (const [unit, name, which, shorter] of ADOPTERS) {
    const api = await as('unit-admin', unit);
    // 北山街道's demo clerk works in its 综合办公室: the township handles every item there.
    const township = unit === '330106002000';
    const depts = await departments(api, unit, township ? ['综合办公室'] : Object.values(DEPTS));
    for (const i of ITEMS.filter((x) => !which || which(x.code))) {
      const local = i.days[1] - shorter;
      const body = {
        v: 0,
        deptId: depts.get(township ? '综合办公室' : DEPTS[i.dept]!),
        address: `${name}政务服务中心`,
        hours: '工作日 9:00-12:00，13:30-17:00',
        ...((i as { kind?: string }).kind !== 'instant' && shorter > 0 && local >= 1 ? { promisedDays: local } : {}),
      };
      ok(`adoption of ${i.code} at ${unit}`, await api('PUT', `/v1/units/${unit}/adoptions/${PROVINCE}/${i.code}`, JSON.stringify(body)));
    }
  }
  const xihu = await as('unit-admin', '330106000000');
  for (const b of BUNDLES) {
    const body = { ...b, items: b.items.map((item) => ({ definer: PROVINCE, item })) };
    ok(`bundle ${b.id}`, await xihu('POST', '/v1/units/330106000000/bundles', JSON.stringify(body)));
  }
  log(`demo: ${ITEMS.length} service items at 浙江省, adopted by ${ADOPTERS.map((a) => a[1]).join('、')}; bundles ${BUNDLES.map((b) => b.name).join('、')} at 西湖区`);
}
