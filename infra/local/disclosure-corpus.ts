import type { Level } from '../../shared/levels';
import type { Category } from '../../functions/disclosure/categories';

/**
 * Documents written for this project (no real government text): the demo province's 政务公开 pages and the corpus
 * the search tests and bench judge recall on. Each names the level of the unit that issues it; `shared` ones apply
 * down the tree; `daysAgo` dates a publication back, so that some columns run stale.
 */
export interface CorpusDoc {
  key: string;
  level: Level;
  category: Category;
  title: string;
  docNumber?: string;
  subjects: string[];
  body: string;
  /** Applies to the issuer's whole subtree (else only to its own page). */
  shared?: boolean;
  daysAgo?: number;
}

export const CORPUS: CorpusDoc[] = [
  {
    key: 'spring-farming',
    level: 'province',
    category: 'policy',
    title: '关于做好2026年春季农业生产工作的通知',
    docNumber: '浙政办发〔2026〕3号',
    subjects: ['农业', '春耕'],
    shared: true,
    body: '各市、县（市、区）人民政府：为稳定粮食播种面积，做好春耕备耕，现就有关事项通知如下。一、落实粮食生产任务，早稻播种面积不低于去年。二、保障化肥、种子等农资供应，严厉打击假冒伪劣农资。三、做好农田水利设施检修，确保春灌用水。',
  },
  {
    key: 'spring-farming-reading',
    level: 'province',
    category: 'interpretation',
    title: '《关于做好2026年春季农业生产工作的通知》政策解读',
    subjects: ['农业', '解读'],
    shared: true,
    body: '一、出台背景：今年春季气温偏高，病虫害发生偏早。二、主要内容：明确早稻播种面积目标、农资保供措施和农田水利检修要求。三、适用对象：各级农业农村部门和种粮主体。',
  },
  {
    key: 'province-budget',
    level: 'province',
    category: 'budget',
    title: '浙江省2026年省级一般公共预算草案',
    subjects: ['预算', '财政'],
    body: '2026年省级一般公共预算收入安排增长百分之五，支出重点保障教育、医疗卫生、社会保障和就业。预算草案经省人民代表大会审查批准后公开。',
  },
  {
    key: 'medical-insurance',
    level: 'province',
    category: 'interpretation',
    title: '城乡居民医疗保险门诊报销新规解读',
    subjects: ['医保', '报销'],
    shared: true,
    body: '自2026年起，城乡居民在基层医疗机构门诊就医，政策范围内费用报销比例提高到百分之六十。参保人员持社会保障卡即可直接结算，无需先垫付再报销。',
  },
  {
    key: 'statistics-bulletin',
    level: 'province',
    category: 'statistics',
    title: '浙江省2025年国民经济和社会发展统计公报',
    subjects: ['统计', '公报'],
    body: '初步核算，全年全省生产总值比上年增长。全年城镇新增就业人数保持稳定，居民人均可支配收入继续增长，城乡收入差距进一步缩小。',
  },
  {
    key: 'city-flood',
    level: 'city',
    category: 'key-areas',
    title: '杭州市2026年防汛防台工作方案',
    docNumber: '杭政办函〔2026〕12号',
    subjects: ['防汛', '应急'],
    shared: true,
    body: '入汛前各区县完成易涝点排查，落实转移安置场所和抢险队伍。遇台风预警，街道、社区组织危旧房屋和低洼地区群众提前转移。',
  },
  {
    key: 'city-garbage',
    level: 'city',
    category: 'policy',
    title: '杭州市生活垃圾分类管理实施办法',
    subjects: ['垃圾分类', '环境'],
    shared: true,
    body: '生活垃圾分为可回收物、有害垃圾、易腐垃圾和其他垃圾四类。小区应设置分类投放点，物业服务企业负责日常管理，街道对分类情况进行检查和通报。',
  },
  {
    key: 'city-procurement',
    level: 'city',
    category: 'procurement',
    title: '杭州市公共自行车系统运营服务采购项目中标公告',
    subjects: ['采购', '中标'],
    body: '采购项目：公共自行车系统运营服务。采购方式：公开招标。中标供应商及中标金额详见附件，公告期限为一个工作日。对结果有异议的，可在七个工作日内提出质疑。',
  },
  {
    key: 'city-plan',
    level: 'city',
    category: 'planning',
    title: '杭州市城市更新三年行动计划（2026—2028年）',
    subjects: ['城市更新', '规划'],
    body: '三年内完成老旧小区综合改造，推进街区有机更新，新增口袋公园和社区嵌入式服务设施。',
  },
  {
    key: 'county-renovation',
    level: 'county',
    category: 'key-areas',
    title: '西湖区2026年老旧小区综合改造项目清单',
    subjects: ['老旧小区', '改造'],
    shared: true,
    body: '今年列入改造计划的小区共十二个，改造内容包括屋面防水、加装电梯、管网更新、停车位增设和无障碍设施建设。各小区改造方案在开工前向居民公示。',
  },
  {
    key: 'county-budget',
    level: 'county',
    category: 'budget',
    title: '西湖区2025年区级部门决算公开',
    subjects: ['决算', '财政'],
    body: '区级各部门2025年度收支决算表、财政拨款收支决算表及三公经费支出情况。三公经费支出较上年下降。',
  },
  {
    key: 'county-appointment',
    level: 'county',
    category: 'personnel',
    title: '西湖区人民政府关于张某某等同志职务任免的通知',
    docNumber: '西政干〔2026〕2号',
    subjects: ['任免'],
    body: '经区人民政府研究决定：任命张某某为区教育局副局长；免去李某某的区文化和广电旅游体育局副局长职务。',
  },
  {
    key: 'county-organisation',
    level: 'county',
    category: 'organisation',
    title: '西湖区市场监督管理局机构职能',
    subjects: ['机构', '职能'],
    body: '负责全区市场综合监督管理，承担市场主体登记注册、食品安全监督管理、特种设备安全监察、价格监督检查和知识产权保护等职责。',
  },
  {
    key: 'county-elderly',
    level: 'county',
    category: 'policy',
    title: '西湖区居家养老服务补贴办法',
    subjects: ['养老', '补贴'],
    shared: true,
    body: '年满八十周岁的本区户籍老年人，可申请居家养老服务补贴，用于助餐、助洁、助浴和上门护理服务。补贴由街道审核后按月发放到服务券账户。',
  },
  {
    key: 'township-renovation',
    level: 'township',
    category: 'key-areas',
    title: '北山街道老旧小区加装电梯工作指引',
    subjects: ['加装电梯', '老旧小区'],
    shared: true,
    body: '加装电梯须经本单元业主同意，设计方案在小区内公示十日。街道设立一站式服务窗口，协助居民办理规划、施工许可和财政补助申请。',
  },
  {
    key: 'township-flood-drill',
    level: 'township',
    category: 'key-areas',
    title: '北山街道2026年防汛应急演练通知',
    subjects: ['防汛', '演练'],
    shared: true,
    body: '定于六月上旬在辖区低洼地段开展防汛应急演练，各社区组织网格员和志愿者参加，检验群众转移和物资调配流程。',
  },
  {
    key: 'township-statistics',
    level: 'township',
    category: 'statistics',
    title: '北山街道2026年一季度社区服务统计',
    subjects: ['统计'],
    daysAgo: 45,
    body: '一季度街道各社区共受理群众办事事项，其中养老服务、社保办理和证明开具占多数，办结率较上季度提高。',
  },
  {
    key: 'village-finance',
    level: 'village',
    category: 'budget',
    title: '上保社区2026年一季度财务收支公开',
    subjects: ['村务公开', '财务'],
    body: '一季度社区收入主要为上级补助资金，支出用于环境整治、老年活动室维修和网格员补贴，明细表张贴于社区公开栏。',
  },
  {
    key: 'village-garbage',
    level: 'village',
    category: 'other',
    title: '上保社区垃圾分类积分兑换通知',
    subjects: ['垃圾分类', '积分'],
    body: '居民正确投放易腐垃圾可获得积分，每月最后一个周六在社区服务中心兑换生活用品。',
  },
  {
    key: 'village-plan',
    level: 'village',
    category: 'planning',
    title: '上保社区2026年为民办实事项目计划',
    subjects: ['实事项目'],
    body: '今年计划完成三件实事：更换小区路灯、增设电动自行车充电桩、改造老年食堂。',
  },
  {
    key: 'province-regulation',
    level: 'province',
    category: 'regulations',
    title: '浙江省物业管理条例（修订）',
    subjects: ['物业', '条例'],
    shared: true,
    body: '业主大会依法选聘物业服务企业。物业服务企业应当公开服务内容、收费标准和公共收益收支情况。街道办事处指导和监督业主大会的成立和活动。',
  },
];

/** Queries with the documents a reader would count as relevant: the labelled set search recall is measured on. */
export const QUERIES: { q: string; relevant: string[] }[] = [
  { q: '老旧小区改造', relevant: ['county-renovation', 'township-renovation', 'city-plan'] },
  { q: '加装电梯', relevant: ['township-renovation', 'county-renovation'] },
  { q: '春耕备耕', relevant: ['spring-farming', 'spring-farming-reading'] },
  { q: '防汛', relevant: ['city-flood', 'township-flood-drill'] },
  { q: '垃圾分类', relevant: ['city-garbage', 'village-garbage'] },
  { q: '医保报销', relevant: ['medical-insurance'] },
  { q: '统计公报', relevant: ['statistics-bulletin'] },
  { q: '预算', relevant: ['province-budget'] },
  { q: '决算', relevant: ['county-budget'] },
  { q: '三公经费', relevant: ['county-budget'] },
  { q: '中标公告', relevant: ['city-procurement'] },
  { q: '职务任免', relevant: ['county-appointment'] },
  { q: '居家养老补贴', relevant: ['county-elderly'] },
  { q: '物业服务企业', relevant: ['province-regulation', 'city-garbage'] },
  { q: '市场监督管理', relevant: ['county-organisation'] },
  { q: '充电桩', relevant: ['village-plan'] },
  { q: '财务收支', relevant: ['village-finance'] },
  { q: '城市更新', relevant: ['city-plan'] },
];
