/**
 * The demo center's service items (事项) with their full guides (办事指南),
 * seeded on first start. Three departments of 示范县政务服务中心 (item codes use
 * the county prefix 370982): market regulation (`amr`), housing and urban-rural
 * development (`housing`) and health (`health`); every case type appears at
 * least once (即办件, 承诺件, 联办件, 上报件).
 *
 * Demo data, not a published catalogue: phone numbers are deliberately not
 * dialable (local numbers never start with 1), the portal is a placeholder, and
 * the amounts of the road-occupation fees are examples to be checked against
 * the province's current pricing document before any real use.
 */
import type { CreateItemRequest } from '../../schemas/api/catalog.ts';

type Content = CreateItemRequest['content'];
type Location = Content['serviceLocations'][number];
type Channel = Content['consultation'][number];

const portal = 'https://zwfw.example.gov.cn';
const hours = '工作日 9:00–12:00，13:30–17:00';

// ---------------------------------------------------------------------------
// Places and channels shared by the items of one department
// ---------------------------------------------------------------------------

const amrWindow: Location = { window: '市场监管综合窗口（A区 3–5号）', address: '示范县政务服务中心一楼A区', hours };
const housingWindow: Location = { window: '工程建设项目审批窗口（B区 1号）', address: '示范县政务服务中心一楼B区', hours };
const healthWindow: Location = { window: '卫生健康窗口（C区 1号）', address: '示范县政务服务中心一楼C区', hours };
const generalWindow: Location = {
  window: '综合受理窗口（Z区 1号，前台综合受理、后台分类审批）',
  address: '示范县政务服务中心一楼大厅入口处',
  hours,
};

const online = (code: string): Channel => ({ kind: 'online', value: `${portal}/items/${code}` });
const hotline: Channel = { kind: 'hotline', value: '12345 政务服务便民热线（24小时）' };

const consultChannels = (phone: string, window: string) => (code: string): Channel[] => [
  { kind: 'phone', value: phone },
  { kind: 'window', value: window },
  online(code),
  hotline,
];

const consult = {
  amr: consultChannels('0538-1000301（市场监管综合窗口）', '示范县政务服务中心一楼A区 3–5号窗口'),
  housing: consultChannels('0538-1000401（工程建设项目审批窗口）', '示范县政务服务中心一楼B区 1号窗口'),
  health: consultChannels('0538-1000501（卫生健康窗口）', '示范县政务服务中心一楼C区 1号窗口'),
};

const complaintChannels = (departmentPhone: string): Channel[] => [
  { kind: 'phone', value: departmentPhone },
  { kind: 'phone', value: '0538-1000100（示范县政务服务中心效能监督投诉）' },
  { kind: 'window', value: '示范县政务服务中心一楼“办不成事”反映窗口' },
  { kind: 'online', value: `${portal}/complaints（“好差评”及投诉入口）` },
  { kind: 'email', value: 'jiandu@zwfw.example.gov.cn' },
  hotline,
];
const complain = {
  amr: complaintChannels('0538-1000309（示范县市场监督管理局监督电话）'),
  housing: complaintChannels('0538-1000409（示范县住房和城乡建设局监督电话）'),
  health: complaintChannels('0538-1000509（示范县卫生健康局监督电话）'),
};

const sampleAt = (code: string) => `政务服务网本事项页面“样表下载”（${portal}/items/${code}）；窗口可免费领取纸质样表`;
const proxyMaterial = {
  id: 'power-of-attorney',
  name: '授权委托书及被委托人身份证件',
  form: 'original',
  count: 1,
  required: false,
  note: '委托他人代为办理的提交；本人办理的无需提交',
} as const;

// ---------------------------------------------------------------------------
// Legal bases cited by several items
// ---------------------------------------------------------------------------

const law = {
  registrationRegulation: '《中华人民共和国市场主体登记管理条例》（国务院令第746号）',
  registrationRules: '《中华人民共和国市场主体登记管理条例实施细则》（国家市场监督管理总局令第52号）',
  companyLaw: '《中华人民共和国公司法》（2023年修订）',
  licensingLaw: '《中华人民共和国行政许可法》',
  foodSafetyLaw: '《中华人民共和国食品安全法》',
  foodRules: '《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）',
  buildingLaw: '《中华人民共和国建筑法》',
  radiologyRules: '《放射诊疗管理规定》（卫生部令第46号，2016年修改）',
} as const;

const registrationIn3Days = {
  title: law.registrationRegulation,
  article: '第十九条',
  excerpt:
    '登记机关应当对申请材料进行形式审查。对申请材料齐全、符合法定形式的予以确认并当场登记。不能当场登记的，应当在3个工作日内予以登记；情形复杂的，经登记机关负责人批准，可以再延长3个工作日。',
};

const art45 = `${law.licensingLaw}第四十五条`;

const radiologyJurisdiction =
  '医疗机构设置放射诊疗项目，应当按照其开展的放射诊疗工作的类别，分别向相应的卫生行政部门提出建设项目卫生审查、竣工验收和设置放射诊疗项目申请：（一）开展放射治疗、核医学工作的，向省级卫生行政部门申请办理；（二）开展介入放射学工作的，向设区的市级卫生行政部门申请办理；（三）开展X射线影像诊断工作的，向县级卫生行政部门申请办理。';

// ---------------------------------------------------------------------------
// Items (parents before their variants)
// ---------------------------------------------------------------------------

const ENTERPRISE = '370982-AMR-XK-001';
const FOOD = '370982-AMR-XK-002';
const SOLE = '370982-AMR-XK-003';
const CONSTRUCTION = '370982-ZJ-XK-001';
const PRESALE = '370982-ZJ-XK-002';
const CONTRACTOR = '370982-ZJ-XK-003';
const ROAD = '370982-ZJ-XK-004';
const PUBLIC_PLACE = '370982-WJ-XK-001';
const MEDICAL = '370982-WJ-XK-002';
const XRAY = '370982-WJ-XK-003';
const RADIOTHERAPY = '370982-WJ-XK-004';
const BIRTH = '370982-WJ-GG-001';

export const demoItems: CreateItemRequest[] = [
  // ======================= 市场监督管理局 (amr) =======================
  {
    code: ENTERPRISE,
    content: {
      name: '企业设立登记',
      variant: 'new',
      type: 'administrative_licence',
      exerciseLevel: 'county',
      departmentId: 'amr',
      serviceObjects: ['natural_person', 'enterprise', 'other_organization'],
      serviceMode: 'promised',
      handlingForms: ['window', 'online', 'courier'],
      resultType: 'licence',
      resultName: '营业执照（纸质营业执照及电子营业执照）',
      legalBasis: [
        {
          title: law.registrationRegulation,
          article: '第三条',
          excerpt: '市场主体应当依照本条例办理登记。未经登记，不得以市场主体名义从事经营活动。法律、行政法规规定无需办理登记的除外。',
        },
        registrationIn3Days,
        {
          title: law.companyLaw,
          article: '第二十九条',
          excerpt: '设立公司，应当依法向公司登记机关申请设立登记。法律、行政法规规定设立公司必须报经批准的，应当在公司登记前依法办理批准手续。',
        },
        { title: law.registrationRules },
      ],
      conditions: [
        '企业名称符合《企业名称登记管理规定》，已通过企业名称自主申报系统完成申报。',
        '有符合规定的住所（主要经营场所），住所信息真实、合法。',
        '公司制企业有符合《中华人民共和国公司法》规定的章程，股东（发起人）人数符合法定要求；合伙企业有书面合伙协议。',
        '法定代表人、董事、监事、高级管理人员不存在《中华人民共和国公司法》第一百七十八条规定的不得担任的情形。',
        '经营范围中有依法须经批准的项目的，已在登记前取得批准文件。',
      ],
      materials: [
        { id: 'application-form', kind: 'application_form', name: '《公司登记（备案）申请书》', form: 'original', count: 1, required: true, sample: sampleAt(ENTERPRISE) },
        {
          id: 'articles-of-association',
          kind: 'main',
          name: '公司章程（有限责任公司由全体股东签署，股份有限公司由全体发起人签署）',
          form: 'original',
          count: 1,
          required: true,
          sample: sampleAt(ENTERPRISE),
        },
        {
          id: 'investor-id',
          name: '股东（发起人）的主体资格文件或者自然人身份证件',
          form: 'copy',
          count: 1,
          required: true,
          tolerable: true,
          note: '自然人股东通过实名认证并电子签名的，无需提交身份证件复印件。',
        },
        { id: 'officer-appointment', name: '法定代表人、董事、监事和经理的任职文件', form: 'original', count: 1, required: true },
        {
          id: 'premises',
          name: '住所（主要经营场所）使用相关文件',
          form: 'copy',
          count: 1,
          required: true,
          tolerable: true,
          note: '自有房产信息可通过不动产登记信息共享核验；实行住所申报承诺的，提交《住所（经营场所）申报承诺书》。',
        },
        { id: 'pre-approval', name: '前置审批文件或者许可证件', form: 'copy', count: 1, required: false, note: '经营范围涉及法律、行政法规规定的前置审批项目的提交。' },
        proxyMaterial,
      ],
      specialProcedures: [],
      process: [
        { name: '名称申报', description: '通过企业开办“一网通办”平台自主申报企业名称，系统即时比对并反馈结果。', role: '申请人' },
        { name: '申请', description: '网上填报或到窗口提交申请材料；全体股东、法定代表人等相关人员通过实名认证完成电子签名。', role: '申请人' },
        { name: '受理', description: '窗口对申请材料进行形式审查：材料齐全、符合法定形式的予以受理；需要补正的，一次性告知需要补正的全部内容。', role: '窗口受理人员' },
        { name: '审核', description: '登记机关对申请材料进行确认，符合规定的予以登记。', role: '登记审核人员' },
        { name: '发照', description: '核发营业执照并同步生成电子营业执照；申请人可选择窗口领取或免费邮寄送达。', role: '窗口出件人员' },
        { name: '同步办理', description: '企业开办“一件事”同步办理公章刻制、发票申领、员工参保登记和住房公积金缴存登记。', role: '综合受理窗口' },
      ],
      timeLimits: { statutoryWorkingDays: 3, promisedWorkingDays: 1 },
      // One working day: the pledge falls due with the promised decision date (承诺时限 1), never after it.
      tolerantAcceptance: { toleranceWorkingDays: 1 },
      intakeFields: {
        type: 'object',
        properties: {
          proposedName: { type: 'string', minLength: 2, maxLength: 50, description: '拟设立企业名称' },
          enterpriseType: { type: 'string', enum: ['有限责任公司', '股份有限公司', '个人独资企业', '合伙企业'] },
          registeredCapitalWan: { type: 'number', exclusiveMinimum: 0, maximum: 10000000, description: '注册资本（万元）' },
        },
        required: ['proposedName', 'enterpriseType'],
      },
      fees: [],
      visitsRequired: 0,
      serviceLocations: [amrWindow, generalWindow],
      consultation: consult.amr(ENTERPRISE),
      complaint: complain.amr,
      servicePromise:
        '申请材料齐全、符合法定形式的，1个工作日内办结；企业开办（登记、刻章、发票申领、社保及公积金登记）全流程1个工作日内完成，营业执照和首套公章免费邮寄送达。',
      faq: [
        {
          question: '办理营业执照收费吗？',
          answer: '不收费。企业登记不收取登记费，营业执照正本、副本免费发放；电子营业执照与纸质营业执照具有同等法律效力。',
        },
        {
          question: '有限责任公司的注册资本需要在设立时实缴吗？',
          answer: '不需要在设立时实缴。依照《中华人民共和国公司法》第四十七条，全体股东认缴的出资额由股东按照公司章程的规定自公司成立之日起五年内缴足。',
        },
        {
          question: '可以用住宅作为公司住所吗？',
          answer: '依照《中华人民共和国民法典》第二百七十九条，业主将住宅改变为经营性用房的，除遵守法律、法规以及管理规约外，应当经有利害关系的业主一致同意。',
        },
      ],
    },
  },
  {
    code: `${ENTERPRISE}-BG`,
    content: {
      name: '企业变更登记',
      variant: 'change',
      parentCode: ENTERPRISE,
      type: 'administrative_licence',
      exerciseLevel: 'county',
      departmentId: 'amr',
      serviceObjects: ['enterprise'],
      serviceMode: 'promised',
      handlingForms: ['window', 'online', 'courier'],
      resultType: 'licence',
      resultName: '营业执照（变更登记事项涉及营业执照记载事项的换发）',
      legalBasis: [
        {
          title: law.registrationRegulation,
          article: '第二十四条',
          excerpt:
            '市场主体变更登记事项，应当自作出变更决议、决定或者法定变更事项发生之日起30日内向登记机关申请变更登记。市场主体变更登记事项属于依法须经批准的，申请人应当在批准文件有效期内向登记机关申请变更登记。',
        },
        registrationIn3Days,
        {
          title: law.companyLaw,
          article: '第三十四条',
          excerpt: '公司登记事项发生变更的，应当依法办理变更登记。公司登记事项未经登记或者未经变更登记，不得对抗善意相对人。',
        },
      ],
      conditions: [
        '企业已依法登记，登记事项（名称、住所、法定代表人、注册资本、经营范围、股东等）发生变更。',
        '变更事项已依照法律和公司章程作出决议或者决定。',
        '变更事项依法须经批准的，已在批准文件有效期内申请。',
        '涉及股权变更的，相关股权未被人民法院冻结。',
      ],
      materials: [
        { id: 'application-form', kind: 'application_form', name: '《公司登记（备案）申请书》（变更）', form: 'original', count: 1, required: true, sample: sampleAt(`${ENTERPRISE}-BG`) },
        { id: 'change-resolution', name: '依照公司章程作出的变更决议或者决定', form: 'original', count: 1, required: true },
        { id: 'articles-amendment', name: '公司章程修正案或者修改后的公司章程（变更事项涉及章程修改的）', form: 'original', count: 1, required: false },
        {
          id: 'change-evidence',
          name: '与变更事项相关的证明文件（如新住所使用文件、新任职人员任职文件、股权转让协议等）',
          form: 'copy',
          count: 1,
          required: true,
        },
        {
          id: 'licence-original',
          name: '营业执照正本、副本',
          form: 'original',
          count: 1,
          required: false,
          note: '需换发营业执照且未使用电子营业执照的交回；使用电子营业执照的无需提交。',
        },
        proxyMaterial,
      ],
      specialProcedures: [],
      process: [
        { name: '申请', description: '网上或窗口提交变更登记申请，相关人员通过实名认证完成电子签名。', role: '申请人' },
        { name: '受理', description: '窗口进行形式审查，材料齐全、符合法定形式的予以受理；需补正的一次性告知。', role: '窗口受理人员' },
        { name: '审核', description: '登记机关核准变更事项，涉及营业执照记载事项的换发营业执照。', role: '登记审核人员' },
        { name: '出件', description: '窗口领取或免费邮寄新营业执照，电子营业执照同步更新。', role: '窗口出件人员' },
      ],
      timeLimits: { statutoryWorkingDays: 3, promisedWorkingDays: 1 },
      fees: [],
      visitsRequired: 0,
      serviceLocations: [amrWindow, generalWindow],
      consultation: consult.amr(`${ENTERPRISE}-BG`),
      complaint: complain.amr,
      servicePromise: '申请材料齐全、符合法定形式的，1个工作日内办结，换发的营业执照可免费邮寄送达。',
      faq: [
        {
          question: '变更后需要换发营业执照吗？',
          answer: '变更事项属于营业执照记载事项（名称、住所、法定代表人、注册资本、经营范围等）的，换发营业执照；仅办理董事、监事、章程等备案事项的，不换发营业执照。',
        },
        {
          question: '超过30日未办理变更登记有什么后果？',
          answer: '依照《中华人民共和国市场主体登记管理条例》，市场主体未依照规定办理变更登记的，由登记机关责令改正；拒不改正的，处1万元以上10万元以下的罚款；情节严重的，吊销营业执照。',
        },
      ],
    },
  },
  {
    code: `${ENTERPRISE}-ZX`,
    content: {
      name: '企业注销登记',
      variant: 'cancellation',
      parentCode: ENTERPRISE,
      type: 'administrative_licence',
      exerciseLevel: 'county',
      departmentId: 'amr',
      serviceObjects: ['enterprise'],
      serviceMode: 'promised',
      handlingForms: ['window', 'online'],
      resultType: 'approval_document',
      resultName: '准予注销登记通知书',
      legalBasis: [
        {
          title: law.registrationRegulation,
          article: '第三十一条',
          excerpt: '市场主体因解散、被宣告破产或者其他法定事由需要终止的，应当依法向登记机关申请注销登记。经登记机关注销登记，市场主体终止。',
        },
        {
          title: law.registrationRegulation,
          article: '第三十三条',
          excerpt:
            '市场主体未发生债权债务或者已将债权债务清偿完结，未发生或者已结清清偿费用、职工工资、社会保险费用、法定补偿金、应缴纳税款（滞纳金、罚款），并由全体投资人书面承诺对上述情况的真实性承担法律责任的，可以按照简易程序办理注销登记。',
        },
        { title: law.companyLaw, article: '第二百三十九条', excerpt: '公司清算结束后，清算组应当制作清算报告，报股东会或者人民法院确认，并报送公司登记机关，申请注销公司登记。' },
        { title: law.companyLaw, article: '第二百四十条', excerpt: '公司在存续期间未产生债务，或者已清偿全部债务的，经全体股东承诺，可以按照规定通过简易程序注销公司登记。' },
        registrationIn3Days,
      ],
      conditions: [
        '企业因解散、被宣告破产或者其他法定事由需要终止。',
        '适用普通注销的，已依法组织清算，清算报告已经股东会或者人民法院确认。',
        '适用简易注销的，未发生债权债务或者已将债权债务清偿完结，全体投资人书面承诺，并经国家企业信用信息公示系统公示20日期满无异议。',
        '已结清应缴纳的税款及社会保险费用等（通过部门信息共享核验）。',
      ],
      materials: [
        { id: 'application-form', kind: 'application_form', name: '《公司登记（备案）申请书》（注销）', form: 'original', count: 1, required: true, sample: sampleAt(`${ENTERPRISE}-ZX`) },
        { id: 'dissolution-resolution', name: '依法作出解散的决议或者决定，或者被吊销营业执照、责令关闭、撤销的文件', form: 'copy', count: 1, required: true },
        { id: 'liquidation-report', name: '经确认的清算报告', form: 'original', count: 1, required: false, note: '普通注销提交；简易注销无需提交。' },
        { id: 'investor-pledge', name: '全体投资人承诺书', form: 'original', count: 1, required: false, note: '简易注销提交，全体投资人签字（盖章）。' },
        proxyMaterial,
      ],
      specialProcedures: [],
      process: [
        {
          name: '清算公告',
          description: '普通注销的，清算组自成立之日起十日内通知债权人，并于六十日内在报纸上或者国家企业信用信息公示系统公告；简易注销的，通过国家企业信用信息公示系统公示20日。',
          role: '申请人',
        },
        { name: '申请', description: '公告（公示）期满后，通过企业注销“一网通办”平台或窗口提交注销登记申请。', role: '申请人' },
        { name: '受理', description: '窗口进行形式审查，材料齐全、符合法定形式的予以受理；需补正的一次性告知。', role: '窗口受理人员' },
        { name: '审核决定', description: '登记机关通过信息共享核验清税、社保等情况，符合条件的作出准予注销登记决定。', role: '登记审核人员' },
        { name: '送达', description: '出具准予注销登记通知书，营业执照同步作废。', role: '窗口出件人员' },
      ],
      timeLimits: { statutoryWorkingDays: 3, promisedWorkingDays: 1 },
      fees: [],
      visitsRequired: 0,
      serviceLocations: [amrWindow, generalWindow],
      consultation: consult.amr(`${ENTERPRISE}-ZX`),
      complaint: complain.amr,
      servicePromise: '公告（公示）期满且申请材料齐全的，1个工作日内作出注销登记决定。',
      faq: [
        {
          question: '什么情况下可以办理简易注销？',
          answer: '企业未发生债权债务或者已将债权债务清偿完结，未发生或者已结清清偿费用、职工工资、社会保险费用、法定补偿金、应缴纳税款（滞纳金、罚款），并由全体投资人书面承诺的，可以适用简易程序，公示期为20日。',
        },
        {
          question: '还需要先到税务部门开具清税证明吗？',
          answer: '不需要另行提交。登记机关通过部门间信息共享获取清税信息；适用简易注销的，税务等部门可在公示期内提出异议。',
        },
      ],
    },
  },
  {
    code: FOOD,
    content: {
      name: '食品经营许可',
      variant: 'new',
      type: 'administrative_licence',
      exerciseLevel: 'county',
      departmentId: 'amr',
      serviceObjects: ['enterprise', 'natural_person', 'public_institution', 'social_organization'],
      serviceMode: 'promised',
      handlingForms: ['window', 'online', 'courier'],
      resultType: 'licence',
      resultName: '食品经营许可证',
      // The food business licence is valid for 5 years (《食品经营许可和备案管理办法》: 有效期为5年).
      validityYears: 5,
      legalBasis: [
        {
          title: law.foodSafetyLaw,
          article: '第三十五条',
          excerpt:
            '国家对食品生产经营实行许可制度。从事食品生产、食品销售、餐饮服务，应当依法取得许可。但是，销售食用农产品和仅销售预包装食品的，不需要取得许可。仅销售预包装食品的，应当报所在地县级以上地方人民政府食品安全监督管理部门备案。',
        },
        { title: law.foodSafetyLaw, article: '第三十三条' },
        { title: law.foodRules },
      ],
      conditions: [
        '具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所，保持场所环境整洁，并与有毒、有害场所以及其他污染源保持规定的距离。',
        '具有与经营的食品品种、数量相适应的经营设备或者设施，有相应的消毒、更衣、盥洗、采光、照明、通风、防腐、防尘、防蝇、防鼠、防虫、洗涤以及处理废水、存放垃圾和废弃物的设备或者设施。',
        '有专职或者兼职的食品安全管理人员和保证食品安全的规章制度。',
        '具有合理的设备布局和工艺流程，防止待加工食品与直接入口食品、原料与成品交叉污染，避免食品接触有毒物、不洁物。',
        '已依法取得营业执照等合法主体资格。',
      ],
      materials: [
        { id: 'application-form', kind: 'application_form', name: '食品经营许可申请书', form: 'original', count: 1, required: true, sample: sampleAt(FOOD) },
        {
          id: 'layout-and-process',
          name: '与食品经营相适应的主要设备设施、经营布局、操作流程等文件',
          form: 'original',
          count: 1,
          required: true,
          note: '从事餐饮服务的，包括经营场所平面图、设备布局图、加工制作流程图及卫生设施示意图。',
        },
        {
          id: 'food-safety-rules',
          name: '食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等保证食品安全的规章制度目录',
          form: 'original',
          count: 1,
          required: true,
        },
        { id: 'legal-rep-id', name: '法定代表人（负责人、经营者）身份证件', form: 'copy', count: 1, required: false, note: '通过实名认证核验的免于提交。' },
        proxyMaterial,
      ],
      specialProcedures: [
        {
          kind: 'inspection',
          name: '经营场所现场核查',
          maxWorkingDays: 5,
          countsTowardLimit: true,
          charged: false,
          legalBasis: '《中华人民共和国食品安全法》第三十五条第二款：必要时对申请人的生产经营场所进行现场核查',
        },
      ],
      process: [
        { name: '申请', description: '通过政务服务网或窗口提交申请材料；营业执照信息由系统共享获取。', role: '申请人' },
        { name: '受理', description: '窗口审查申请材料，材料齐全、符合法定形式的予以受理，出具受理通知书；需补正的一次性告知。', role: '窗口受理人员' },
        { name: '审查', description: '审查申请材料；需要对申请材料实质内容进行核实的，组织不少于2名核查人员进行现场核查。', role: '审查人员' },
        { name: '决定', description: '对符合条件的作出准予许可决定；不符合条件的作出不予许可决定并书面说明理由，告知申请行政复议或者提起行政诉讼的权利。', role: '审批负责人' },
        { name: '发证', description: '核发纸质许可证和电子证书，可窗口领取或免费邮寄送达。', role: '窗口出件人员' },
      ],
      timeLimits: { statutoryWorkingDays: 10, promisedWorkingDays: 5 },
      fees: [],
      visitsRequired: 0,
      serviceLocations: [amrWindow, generalWindow],
      consultation: consult.amr(FOOD),
      complaint: complain.amr,
      servicePromise: '申请材料齐全、符合法定形式的，5个工作日内作出许可决定（含现场核查），许可证书免费邮寄送达。',
      faq: [
        {
          question: '只卖预包装食品需要办理食品经营许可吗？',
          answer: '不需要取得许可，但应当依照《中华人民共和国食品安全法》第三十五条向所在地县级以上市场监督管理部门备案。',
        },
        { question: '食品经营许可证的有效期是多长？', answer: '食品经营许可证有效期为5年，需要延续的，应当在有效期届满前向原发证部门申请延续。' },
        { question: '需要提交营业执照复印件吗？', answer: '不需要。窗口通过市场主体登记信息共享核验营业执照信息。' },
      ],
    },
  },
  {
    code: `${FOOD}-YX`,
    content: {
      name: '食品经营许可（延续）',
      variant: 'renewal',
      parentCode: FOOD,
      type: 'administrative_licence',
      exerciseLevel: 'county',
      departmentId: 'amr',
      serviceObjects: ['enterprise', 'natural_person', 'public_institution', 'social_organization'],
      serviceMode: 'promised',
      handlingForms: ['window', 'online', 'courier'],
      resultType: 'licence',
      resultName: '食品经营许可证（延续）',
      // The food business licence is valid for 5 years (《食品经营许可和备案管理办法》: 有效期为5年).
      validityYears: 5,
      legalBasis: [
        { title: law.licensingLaw, article: '第五十条', excerpt: '被许可人需要延续依法取得的行政许可的有效期的，应当在该行政许可有效期届满三十日前向作出行政许可决定的行政机关提出申请。但是，法律、法规、规章另有规定的，依照其规定。' },
        { title: law.foodSafetyLaw, article: '第三十五条' },
        { title: law.foodRules },
      ],
      conditions: [
        '持有有效期内的食品经营许可证。',
        '在许可有效期届满前，按照《食品经营许可和备案管理办法》规定的期限向原发证部门提出延续申请。',
        '经营条件未发生变化，或者发生变化后仍然符合食品经营许可条件。',
      ],
      materials: [
        { id: 'application-form', kind: 'application_form', name: '食品经营许可延续申请书', form: 'original', count: 1, required: true, sample: sampleAt(`${FOOD}-YX`) },
        { id: 'licence-original', name: '食品经营许可证正本、副本', form: 'original', count: 1, required: false, note: '已发放电子证书的无需提交。' },
        {
          id: 'condition-changes',
          name: '经营条件变化情况说明及相关材料',
          form: 'original',
          count: 1,
          required: false,
          note: '设施设备、经营布局或操作流程发生变化的提交。',
        },
        proxyMaterial,
      ],
      specialProcedures: [
        {
          kind: 'inspection',
          name: '现场核查（经营条件发生变化的）',
          maxWorkingDays: 3,
          countsTowardLimit: true,
          charged: false,
          legalBasis: '《中华人民共和国食品安全法》第三十五条第二款',
        },
      ],
      process: [
        { name: '申请', description: '在许可有效期届满前通过政务服务网或窗口提交延续申请。', role: '申请人' },
        { name: '受理', description: '窗口审查申请材料，材料齐全、符合法定形式的予以受理。', role: '窗口受理人员' },
        { name: '审查', description: '经营条件未变化的进行书面审查；发生变化的组织现场核查。', role: '审查人员' },
        { name: '决定', description: '准予延续的，换发食品经营许可证；不予延续的，书面说明理由。', role: '审批负责人' },
      ],
      timeLimits: { statutoryWorkingDays: 10, promisedWorkingDays: 3 },
      fees: [],
      visitsRequired: 0,
      serviceLocations: [amrWindow, generalWindow],
      consultation: consult.amr(`${FOOD}-YX`),
      complaint: complain.amr,
      servicePromise: '经营条件未发生变化的，3个工作日内办结；许可到期前系统短信提醒。',
      faq: [
        {
          question: '许可证过期后还能办理延续吗？',
          answer: '不能。许可有效期届满未延续的，应当重新申请食品经营许可；未取得许可不得继续从事食品经营活动。',
        },
        {
          question: '经营条件没有变化，还需要现场核查吗？',
          answer: '经营条件未发生变化的，一般只进行书面审查；设施设备、经营布局或者操作流程发生变化的，按规定进行现场核查。',
        },
      ],
    },
  },
  {
    code: SOLE,
    content: {
      name: '个体工商户设立登记',
      variant: 'new',
      type: 'administrative_licence',
      exerciseLevel: 'county',
      departmentId: 'amr',
      serviceObjects: ['natural_person'],
      serviceMode: 'immediate',
      handlingForms: ['window', 'online'],
      resultType: 'licence',
      resultName: '营业执照（个体工商户）',
      legalBasis: [
        {
          title: law.registrationRegulation,
          article: '第二条',
          excerpt:
            '本条例所称市场主体，是指在中华人民共和国境内以营利为目的从事经营活动的下列自然人、法人及非法人组织：（一）公司、非公司企业法人及其分支机构；（二）个人独资企业、合伙企业及其分支机构；（三）农民专业合作社（联合社）及其分支机构；（四）个体工商户；（五）外国公司分支机构；（六）法律、行政法规规定的其他市场主体。',
        },
        registrationIn3Days,
        { title: '《促进个体工商户发展条例》（国务院令第755号）' },
        { title: law.registrationRules },
      ],
      conditions: [
        '申请人为有经营能力的公民，可以个人经营，也可以家庭经营。',
        '有固定的经营场所。',
        '经营范围不属于法律、行政法规禁止的项目；涉及许可的经营项目，取得许可后方可开展经营。',
        '使用名称的，名称符合《企业名称登记管理规定》等规定（个体工商户可以不使用名称）。',
      ],
      materials: [
        { id: 'application-form', kind: 'application_form', name: '《个体工商户登记（备案）申请书》', form: 'original', count: 1, required: true, sample: sampleAt(SOLE) },
        { id: 'operator-id', name: '经营者身份证件', form: 'original', count: 1, required: true, note: '窗口现场核验原件后退还；网上申请的通过实名认证核验。' },
        {
          id: 'premises',
          name: '经营场所使用相关文件（房屋产权证明或者租赁合同）',
          form: 'copy',
          count: 1,
          required: true,
          note: '实行住所申报承诺的，可以提交《住所（经营场所）申报承诺书》。',
        },
        proxyMaterial,
      ],
      specialProcedures: [],
      process: [
        { name: '申请', description: '到窗口或通过政务服务网提交申请，经营者实名认证并电子签名。', role: '申请人' },
        { name: '审查', description: '窗口对申请材料进行形式审查，材料齐全、符合法定形式的当场登记。', role: '窗口受理人员' },
        { name: '发照', description: '当场打印并发放营业执照，同步生成电子营业执照。', role: '窗口受理人员' },
      ],
      timeLimits: { statutoryWorkingDays: 3, promisedWorkingDays: 0 },
      fees: [],
      visitsRequired: 1,
      serviceLocations: [amrWindow, generalWindow],
      consultation: consult.amr(SOLE),
      complaint: complain.amr,
      servicePromise: '申请材料齐全、符合法定形式的，当场登记、当场发放营业执照，不收取任何费用。',
      faq: [
        {
          question: '家庭经营的个体工商户怎么登记？',
          answer: '以家庭成员共同经营的，在申请书中勾选“家庭经营”，并填写参加经营的家庭成员姓名及身份证件信息；家庭经营的债务以家庭财产承担。',
        },
        {
          question: '个体工商户可以直接转为企业吗？',
          answer: '可以。按照“个转企”相关规定，可以申请直接变更为企业，无需先注销再设立，可以保留原名称中的字号；转企前应当结清依法应缴纳的税款，妥善处理原有债权债务。',
        },
      ],
    },
  },

  // ==================== 住房和城乡建设局 (housing) ====================
  {
    code: CONSTRUCTION,
    content: {
      name: '建筑工程施工许可证核发',
      variant: 'new',
      type: 'administrative_licence',
      exerciseLevel: 'county',
      departmentId: 'housing',
      serviceObjects: ['enterprise', 'public_institution', 'other_organization'],
      serviceMode: 'promised',
      handlingForms: ['window', 'online'],
      resultType: 'licence',
      resultName: '建筑工程施工许可证',
      legalBasis: [
        {
          title: law.buildingLaw,
          article: '第七条',
          excerpt:
            '建筑工程开工前，建设单位应当按照国家有关规定向工程所在地县级以上人民政府建设行政主管部门申请领取施工许可证；但是，国务院建设行政主管部门确定的限额以下的小型工程除外。',
        },
        {
          title: law.buildingLaw,
          article: '第八条',
          excerpt:
            '申请领取施工许可证，应当具备下列条件：（一）已经办理该建筑工程用地批准手续；（二）依法应当办理建设工程规划许可证的，已经取得建设工程规划许可证；（三）需要拆迁的，其拆迁进度符合施工要求；（四）已经确定建筑施工企业；（五）有满足施工需要的资金安排、施工图纸及技术资料；（六）有保证工程质量和安全的具体措施。建设行政主管部门应当自收到申请之日起七日内，对符合条件的申请颁发施工许可证。',
        },
        { title: '《建筑工程施工许可管理办法》（住房和城乡建设部令第18号）', article: '第二条、第四条' },
      ],
      conditions: [
        '依法应当办理用地批准手续的，已经办理该建筑工程用地批准手续。',
        '依法应当办理建设工程规划许可证的，已经取得建设工程规划许可证。',
        '施工场地已经基本具备施工条件；需要征收房屋的，其进度符合施工要求。',
        '已经确定施工企业；依法必须招标的工程已按规定完成招标。',
        '有满足施工需要的资金安排和技术资料，施工图设计文件已按规定审查合格。',
        '有保证工程质量和安全的具体措施。',
        '工程投资额在30万元以下或者建筑面积在300平方米以下的建筑工程，可以不申请办理施工许可证（省级住房城乡建设主管部门另有规定的，从其规定）。',
      ],
      materials: [
        { id: 'application-form', kind: 'application_form', name: '建筑工程施工许可申请表', form: 'original', count: 1, required: true, sample: sampleAt(CONSTRUCTION) },
        { id: 'land-use-approval', name: '用地批准手续证明文件', form: 'copy', count: 1, required: true, note: '可通过工程建设项目审批管理系统共享获取的，免于提交。' },
        { id: 'planning-permit', name: '建设工程规划许可证', form: 'copy', count: 1, required: true, note: '可通过工程建设项目审批管理系统共享获取的，免于提交。' },
        { id: 'construction-contract', name: '中标通知书及施工合同（直接发包的提交施工合同）', form: 'copy', count: 1, required: true },
        { id: 'drawing-review', name: '施工图设计文件审查合格书', form: 'copy', count: 1, required: true },
        { id: 'funding-pledge', name: '建设资金已经落实承诺书', form: 'original', count: 1, required: true, sample: sampleAt(CONSTRUCTION) },
        { id: 'quality-safety-measures', name: '保证工程质量和安全的具体措施（含质量安全监督手续材料）', form: 'original', count: 1, required: true },
        proxyMaterial,
      ],
      specialProcedures: [
        {
          kind: 'inspection',
          name: '施工现场踏勘（核验施工场地条件）',
          maxWorkingDays: 5,
          countsTowardLimit: false,
          charged: false,
          legalBasis: `${art45}；需要踏勘的，书面告知申请人所需时间`,
        },
      ],
      process: [
        { name: '申请', description: '通过工程建设项目审批管理系统在线申报，或到窗口提交申请材料。', role: '建设单位' },
        { name: '受理', description: '窗口审查申请材料，材料齐全、符合法定形式的予以受理；需补正的当场或者5日内一次性告知。', role: '窗口受理人员' },
        { name: '审查', description: '对申请材料进行审查；需要核验施工场地条件的，组织现场踏勘，踏勘时间不计入审批时限。', role: '审查人员' },
        { name: '决定', description: '对符合条件的颁发施工许可证；不符合条件的书面说明理由。', role: '审批负责人' },
        { name: '发证', description: '核发施工许可证电子证照，可同步打印纸质证书或邮寄送达。', role: '窗口出件人员' },
      ],
      timeLimits: { statutoryWorkingDays: 7, promisedWorkingDays: 3 },
      fees: [],
      visitsRequired: 1,
      serviceLocations: [housingWindow, generalWindow],
      consultation: consult.housing(CONSTRUCTION),
      complaint: complain.housing,
      servicePromise: '申请材料齐全、符合法定形式的，3个工作日内办结（现场踏勘时间另计）；提供帮办代办服务。',
      faq: [
        { question: '办理施工许可证收费吗？', answer: '不收费。' },
        {
          question: '领取施工许可证后多久必须开工？',
          answer: '依照《中华人民共和国建筑法》第九条，建设单位应当自领取施工许可证之日起三个月内开工；因故不能按期开工的，应当向发证机关申请延期，延期以两次为限，每次不超过三个月。',
        },
      ],
    },
  },
  {
    code: PRESALE,
    content: {
      name: '商品房预售许可',
      variant: 'new',
      type: 'administrative_licence',
      exerciseLevel: 'county',
      departmentId: 'housing',
      serviceObjects: ['enterprise'],
      serviceMode: 'promised',
      handlingForms: ['window', 'online'],
      resultType: 'licence',
      resultName: '商品房预售许可证',
      legalBasis: [
        {
          title: '《中华人民共和国城市房地产管理法》',
          article: '第四十五条',
          excerpt:
            '商品房预售，应当符合下列条件：（一）已交付全部土地使用权出让金，取得土地使用权证书；（二）持有建设工程规划许可证；（三）按提供预售的商品房计算，投入开发建设的资金达到工程建设总投资的百分之二十五以上，并已经确定施工进度和竣工交付日期；（四）向县级以上人民政府房产管理部门办理预售登记，取得商品房预售许可证明。',
        },
        {
          title: '《城市商品房预售管理办法》（建设部令第131号修正）',
          article: '第六条',
          excerpt: '商品房预售实行许可制度。开发企业进行商品房预售，应当向房地产管理部门申请预售许可，取得《商品房预售许可证》。未取得《商品房预售许可证》的，不得进行商品房预售。',
        },
        { title: '《城市房地产开发经营管理条例》' },
      ],
      conditions: [
        '已交付全部土地使用权出让金，取得不动产权证书（土地使用权证书）。',
        '持有建设工程规划许可证和建筑工程施工许可证。',
        '按提供预售的商品房计算，投入开发建设的资金达到工程建设总投资的25%以上，并已经确定施工进度和竣工交付日期。',
        '已按本县规定开立商品房预售资金监管账户并签订监管协议。',
      ],
      materials: [
        { id: 'application-form', kind: 'application_form', name: '商品房预售许可申请表', form: 'original', count: 1, required: true, sample: sampleAt(PRESALE) },
        { id: 'land-title', name: '不动产权证书（土地使用权证书）', form: 'copy', count: 1, required: true, note: '可通过不动产登记信息共享核验的，免于提交。' },
        { id: 'planning-permit', name: '建设工程规划许可证', form: 'copy', count: 1, required: true },
        { id: 'construction-permit', name: '建筑工程施工许可证', form: 'copy', count: 1, required: true, note: '本县核发的，由窗口共享获取。' },
        {
          id: 'investment-proof',
          name: '投入开发建设资金达到工程建设总投资25%以上的证明（含工程形象进度证明）',
          form: 'original',
          count: 1,
          required: true,
        },
        { id: 'presale-plan', name: '商品房预售方案（含预售房屋分层平面图、交付日期和交付使用条件）', form: 'original', count: 1, required: true },
        { id: 'escrow-agreement', name: '商品房预售资金监管协议', form: 'original', count: 1, required: true },
        proxyMaterial,
      ],
      specialProcedures: [
        {
          kind: 'inspection',
          name: '工程形象进度现场核验',
          maxWorkingDays: 2,
          countsTowardLimit: true,
          charged: false,
          legalBasis: '《城市商品房预售管理办法》第八条（审核）',
        },
      ],
      process: [
        { name: '申请', description: '房地产开发企业在线申报或到窗口提交申请材料。', role: '房地产开发企业' },
        { name: '受理', description: '材料齐全的当场出具受理通知书；材料不齐的当场或者5日内一次性书面告知需要补充的材料。', role: '窗口受理人员' },
        { name: '审核', description: '审核申请材料是否符合法定条件，并对工程形象进度进行现场核验。', role: '房地产市场科' },
        { name: '决定', description: '符合法定条件的作出准予预售的书面决定；不符合的作出不予许可决定并书面说明理由。', role: '审批负责人' },
        { name: '发证公示', description: '颁发、送达商品房预售许可证，并在政务服务网公示预售许可信息。', role: '窗口出件人员' },
      ],
      timeLimits: { statutoryWorkingDays: 10, promisedWorkingDays: 5 },
      fees: [],
      visitsRequired: 1,
      serviceLocations: [housingWindow],
      consultation: consult.housing(PRESALE),
      complaint: complain.housing,
      servicePromise: '申请材料齐全、符合法定形式的，5个工作日内作出决定，许可信息当日公示。',
      faq: [
        {
          question: '取得预售许可前可以收取认购款、定金吗？',
          answer: '不可以。未取得商品房预售许可证的，不得进行商品房预售，不得以认购、预订、排号、发放VIP卡等方式向买受人收取或者变相收取定金、预订款等费用。',
        },
        { question: '商品房预售资金如何监管？', answer: '预售资金全部存入监管账户，按工程建设进度节点拨付，优先用于本项目工程建设。' },
      ],
    },
  },
  {
    code: CONTRACTOR,
    content: {
      name: '建筑业企业资质核准',
      variant: 'new',
      type: 'administrative_licence',
      exerciseLevel: 'county',
      departmentId: 'housing',
      serviceObjects: ['enterprise'],
      serviceMode: 'joint',
      jointDepartments: ['amr'],
      handlingForms: ['window', 'online'],
      resultType: 'licence',
      resultName: '建筑业企业资质证书（电子证书）',
      legalBasis: [
        {
          title: law.buildingLaw,
          article: '第十三条',
          excerpt:
            '从事建筑活动的建筑施工企业、勘察单位、设计单位和工程监理单位，按照其拥有的注册资本、专业技术人员、技术装备和已完成的建筑工程业绩等资质条件，划分为不同的资质等级，经资质审查合格，取得相应等级的资质证书后，方可在其资质等级许可的范围内从事建筑活动。',
        },
        { title: '《建设工程质量管理条例》', article: '第二十五条', excerpt: '施工单位应当依法取得相应等级的资质证书，并在其资质等级许可的范围内承揽工程。' },
        { title: '《建筑业企业资质管理规定》（住房和城乡建设部令第22号）' },
        {
          title: law.licensingLaw,
          article: '第四十二条第二款',
          excerpt: '依照本法第二十六条的规定，行政许可采取统一办理或者联合办理、集中办理的，办理的时间不得超过四十五日；四十五日内不能办结的，经本级人民政府负责人批准，可以延长十五日，并应当将延长期限的理由告知申请人。',
        },
      ],
      conditions: [
        '申请人为依法设立的企业法人。',
        '企业资产、注册建造师及其他注册人员、工程技术人员、技术工人等主要人员符合《建筑业企业资质标准》相应类别和等级的要求。',
        '主要人员在本企业依法缴纳社会保险。',
        '申请之日前一年内无《建筑业企业资质管理规定》所列不予批准资质申请的违法违规行为。',
        '申请的资质类别和等级属于本级实施权限（以本级行政许可事项清单为准）。',
      ],
      materials: [
        {
          id: 'application-form',
          kind: 'application_form',
          name: '建筑业企业资质申请表',
          form: 'electronic',
          count: 1,
          required: true,
          sample: sampleAt(CONTRACTOR),
          note: '在线填报，企业及人员信息与全国建筑市场监管公共服务平台数据关联。',
        },
        { id: 'key-staff', name: '主要人员名单及注册证书、职称证书、学历证明', form: 'electronic', count: 1, required: true },
        { id: 'net-assets', name: '企业净资产证明（上一年度财务审计报告或者新设企业的验资材料）', form: 'electronic', count: 1, required: true },
        { id: 'social-insurance', name: '主要人员社会保险缴纳证明', form: 'electronic', count: 1, required: false, note: '由人力资源社会保障部门在联合审查中核验，申请人无需自行提交。' },
        { id: 'equipment', name: '主要技术装备证明（资质标准有技术装备要求的）', form: 'electronic', count: 1, required: false },
        { id: 'project-record', name: '代表工程业绩证明材料（资质标准有业绩要求的）', form: 'electronic', count: 1, required: false },
        { id: 'credit-pledge', name: '企业申报资质信用承诺书', form: 'original', count: 1, required: true, sample: sampleAt(CONTRACTOR) },
      ],
      specialProcedures: [
        {
          kind: 'expert_review',
          name: '专家评审（主要人员及工程业绩核查）',
          maxWorkingDays: 10,
          countsTowardLimit: false,
          charged: false,
          legalBasis: `${art45}；评审时间书面告知申请人`,
        },
      ],
      process: [
        { name: '申请', description: '企业通过政务服务网在线填报并上传材料。', role: '申请企业' },
        { name: '受理', description: '工程建设项目审批窗口统一受理，材料需补正的一次性告知，并将申请同步推送各协办部门。', role: '窗口受理人员（牵头）' },
        {
          name: '联合审查',
          description: '住房城乡建设部门牵头审查企业资产、人员和业绩；人力资源社会保障部门核验主要人员社会保险缴纳情况；市场监督管理部门核验企业登记及信用信息。各协办部门在规定时限内反馈意见，全部办结后由牵头部门作出决定。',
          role: '住房和城乡建设局（牵头）、人力资源和社会保障局、市场监督管理局',
        },
        { name: '专家评审', description: '需要核查人员、业绩真实性的，组织专家评审，评审时间不计入审批时限。', role: '住房和城乡建设局' },
        { name: '决定', description: '作出准予或者不予许可决定；准予许可的在门户网站公告审批结果。', role: '审批负责人' },
        { name: '发证', description: '核发建筑业企业资质电子证书，并同步推送全国建筑市场监管公共服务平台。', role: '窗口出件人员' },
      ],
      timeLimits: { statutoryWorkingDays: 45, promisedWorkingDays: 15 },
      fees: [],
      visitsRequired: 0,
      serviceLocations: [housingWindow],
      consultation: consult.housing(CONTRACTOR),
      complaint: complain.housing,
      servicePromise: '一窗受理、并联审查，15个工作日内办结（专家评审时间另计），审批结果公告后即可下载电子证书。',
      faq: [
        { question: '资质证书是纸质的还是电子的？', answer: '核发电子证书，与纸质证书具有同等法律效力，可在政务服务网下载和核验。' },
        {
          question: '为什么需要多个部门审查？',
          answer: '本事项实行联合办理：住房城乡建设部门牵头，人力资源社会保障、市场监督管理部门并联核验，申请人只需向一个窗口提交一次材料，依照《中华人民共和国行政许可法》第四十二条第二款，联合办理时限不超过45日。',
        },
      ],
    },
  },
  {
    code: ROAD,
    content: {
      name: '城市道路占用、挖掘审批',
      variant: 'new',
      type: 'administrative_licence',
      exerciseLevel: 'county',
      departmentId: 'housing',
      serviceObjects: ['enterprise', 'public_institution', 'natural_person', 'other_organization'],
      serviceMode: 'promised',
      handlingForms: ['window', 'online'],
      resultType: 'approval_document',
      resultName: '城市道路占用（挖掘）许可决定书',
      legalBasis: [
        { title: '《城市道路管理条例》', article: '第三十一条', excerpt: '因特殊情况需要临时占用城市道路的，须经市政工程行政主管部门和公安交通管理部门批准，方可按照规定占用。' },
        {
          title: '《城市道路管理条例》',
          article: '第三十三条',
          excerpt:
            '因工程建设需要挖掘城市道路的，应当提交城市规划部门批准签发的文件和有关设计文件，经市政工程行政主管部门和公安交通管理部门批准，方可按照规定挖掘。新建、扩建、改建的城市道路交付使用后5年内、大修的城市道路竣工后3年内不得挖掘；因特殊情况需要挖掘的，须经县级以上城市人民政府批准。',
        },
        { title: '《城市道路管理条例》', article: '第三十七条' },
      ],
      conditions: [
        '因特殊情况确需临时占用城市道路，或者因工程建设确需挖掘城市道路。',
        '占用、挖掘的位置、面积和期限符合城市道路管理要求，并有交通组织和安全防护方案。',
        '新建、扩建、改建的城市道路交付使用后5年内、大修的城市道路竣工后3年内不得挖掘；因特殊情况需要挖掘的，已经县级以上城市人民政府批准。',
        '涉及道路交通安全的，经公安交通管理部门同意（由窗口并联征求意见）。',
      ],
      materials: [
        { id: 'application-form', kind: 'application_form', name: '城市道路占用（挖掘）申请表', form: 'original', count: 1, required: true, sample: sampleAt(ROAD) },
        { id: 'site-plan', name: '占用、挖掘位置平面图及施工方案（注明面积、期限）', form: 'original', count: 1, required: true },
        { id: 'planning-documents', name: '城市规划部门批准签发的文件和有关设计文件', form: 'copy', count: 1, required: false, note: '挖掘城市道路的提交。' },
        { id: 'traffic-plan', name: '交通组织及安全防护方案', form: 'original', count: 1, required: true },
        proxyMaterial,
      ],
      specialProcedures: [],
      process: [
        { name: '申请', description: '在线申报或到窗口提交申请材料。', role: '申请人' },
        { name: '受理', description: '窗口审查申请材料，材料齐全、符合法定形式的予以受理，并同步征求公安交通管理部门意见。', role: '窗口受理人员' },
        { name: '审查', description: '审查占用、挖掘方案，必要时会同公安交通管理部门现场查看。', role: '市政管理人员' },
        { name: '核价缴费', description: '准予许可的，按核定标准计算城市道路占用费、挖掘修复费，申请人缴入国库后出具票据。', role: '窗口收费人员' },
        { name: '决定', description: '出具许可决定书，载明占用、挖掘的位置、面积、期限和恢复要求。', role: '审批负责人' },
      ],
      timeLimits: { statutoryWorkingDays: 20, promisedWorkingDays: 5 },
      fees: [
        {
          feeId: 'occupation',
          name: '城市道路占用费',
          kind: 'per_unit',
          amountFen: 100,
          currency: 'CNY',
          unit: '每平方米·日',
          basis:
            '《城市道路管理条例》第三十七条；收费标准由省级建设行政主管部门拟订，报同级财政、价格主管部门核定（演示数据：金额为示例，须按省级现行收费文件核定后使用）',
        },
        {
          feeId: 'excavation-repair',
          name: '城市道路挖掘修复费',
          kind: 'per_unit',
          amountFen: 35000,
          currency: 'CNY',
          unit: '每平方米（沥青混凝土路面）',
          basis:
            '《城市道路管理条例》第三十七条；收费标准由省级建设行政主管部门会同财政、价格主管部门制定（演示数据：金额为示例，须按省级现行收费文件核定后使用）',
        },
      ],
      // The process prices and collects after review, before the decision is handed over (核价缴费 → 决定).
      paymentStage: 'before_delivery',
      visitsRequired: 1,
      serviceLocations: [housingWindow, generalWindow],
      consultation: consult.housing(ROAD),
      complaint: complain.housing,
      servicePromise: '申请材料齐全、符合法定形式的，5个工作日内作出决定；紧急抢修可先行占用、挖掘，并在24小时内补办手续。',
      faq: [
        {
          question: '费用交到哪里？',
          answer: '城市道路占用费、挖掘修复费实行收支两条线，全额缴入国库，窗口出具财政票据，可在政务服务网查验。',
        },
        {
          question: '地下管线抢修可以先挖后批吗？',
          answer: '依照《城市道路管理条例》第三十五条，埋设在城市道路下的管线发生故障需要紧急抢修的，可以先行破路抢修，同时通知市政工程行政主管部门和公安交通管理部门，并在24小时内按照规定补办批准手续。',
        },
      ],
    },
  },

  // ======================= 卫生健康局 (health) =======================
  {
    code: PUBLIC_PLACE,
    content: {
      name: '公共场所卫生许可',
      variant: 'new',
      type: 'administrative_licence',
      exerciseLevel: 'county',
      departmentId: 'health',
      serviceObjects: ['enterprise', 'natural_person', 'public_institution', 'other_organization'],
      serviceMode: 'promised',
      handlingForms: ['window', 'online', 'courier'],
      resultType: 'licence',
      resultName: '公共场所卫生许可证',
      legalBasis: [
        { title: '《公共场所卫生管理条例》', article: '第四条', excerpt: '国家对公共场所实行“卫生许可证”制度。“卫生许可证”由县以上卫生行政部门签发。' },
        { title: '《公共场所卫生管理条例》', article: '第八条' },
        {
          title: '《公共场所卫生管理条例实施细则》（卫生部令第80号）',
          article: '第二十二条',
          excerpt: '国家对公共场所实行卫生许可证管理。公共场所经营者应当按照规定向县级以上地方人民政府卫生计生行政部门申请卫生许可证。未取得卫生许可证的，不得营业。',
        },
      ],
      conditions: [
        '属于依法需要取得卫生许可的公共场所（住宿、沐浴、美容美发、游泳场所等）。',
        '经营场所选址、布局合理，卫生设施设备符合《公共场所卫生指标及限值要求》（GB 37488）等国家卫生标准和要求。',
        '建立卫生管理制度，配备专职或者兼职卫生管理人员。',
        '直接为顾客服务的从业人员持有有效的健康合格证明。',
        '空气、微小气候、水质、采光照明、噪声、顾客用品用具等经检测符合国家卫生标准。',
      ],
      materials: [
        { id: 'application-form', kind: 'application_form', name: '公共场所卫生许可申请表', form: 'original', count: 1, required: true, sample: sampleAt(PUBLIC_PLACE) },
        { id: 'floor-plan', name: '经营场所地址方位示意图、平面图和卫生设施设备布局流程图', form: 'original', count: 1, required: true },
        { id: 'test-report', name: '具有相应资质的检测机构出具的公共场所卫生检测或者评价报告', form: 'original', count: 1, required: true },
        { id: 'hygiene-rules', name: '公共场所卫生管理制度', form: 'original', count: 1, required: true },
        { id: 'staff-health', name: '从业人员健康合格证明', form: 'copy', count: 1, required: true, note: '本县疾控机构出具的，通过信息共享核验，免于提交。' },
        proxyMaterial,
      ],
      specialProcedures: [
        {
          kind: 'inspection',
          name: '经营场所现场审查',
          maxWorkingDays: 5,
          countsTowardLimit: true,
          charged: false,
          legalBasis: '《公共场所卫生管理条例实施细则》：对申报资料进行审查，对现场进行审核',
        },
      ],
      process: [
        { name: '申请', description: '在线申报或到窗口提交申请材料。', role: '申请人' },
        { name: '受理', description: '窗口审查申请材料，材料齐全、符合法定形式的予以受理；需补正的一次性告知。', role: '窗口受理人员' },
        { name: '审查', description: '对申报资料进行审查，组织卫生监督人员对经营场所进行现场审核。', role: '卫生监督人员' },
        { name: '决定', description: '符合规定要求的作出准予许可决定；不符合的书面说明理由。', role: '审批负责人' },
        { name: '发证', description: '核发卫生许可证（纸质证书及电子证照），可窗口领取或邮寄送达。', role: '窗口出件人员' },
      ],
      timeLimits: { statutoryWorkingDays: 20, promisedWorkingDays: 5 },
      fees: [],
      visitsRequired: 0,
      serviceLocations: [healthWindow, generalWindow],
      consultation: consult.health(PUBLIC_PLACE),
      complaint: complain.health,
      servicePromise: '申请材料齐全、符合法定形式的，5个工作日内办结（含现场审查），不收取任何费用。',
      faq: [
        { question: '卫生许可证的有效期是多长？', answer: '公共场所卫生许可证有效期为四年，每两年复核一次。' },
        { question: '卫生检测报告可以由哪些机构出具？', answer: '由具有相应检验检测资质的机构出具，申请人可自主选择，窗口不指定检测机构。' },
      ],
    },
  },
  {
    code: MEDICAL,
    content: {
      name: '医疗机构执业登记',
      variant: 'new',
      type: 'administrative_licence',
      exerciseLevel: 'county',
      departmentId: 'health',
      serviceObjects: ['enterprise', 'public_institution', 'social_organization', 'natural_person'],
      serviceMode: 'promised',
      handlingForms: ['window', 'online'],
      resultType: 'licence',
      resultName: '医疗机构执业许可证',
      legalBasis: [
        { title: '《医疗机构管理条例》', article: '第十五条', excerpt: '医疗机构执业，必须进行登记，领取《医疗机构执业许可证》。' },
        { title: '《医疗机构管理条例》', article: '第十六条' },
        { title: '《医疗机构管理条例》', article: '第十七条' },
        { title: '《医疗机构管理条例实施细则》' },
      ],
      conditions: [
        '按照规定应当办理设置医疗机构批准书的，已取得设置医疗机构批准书。',
        '符合医疗机构基本标准。',
        '有适合的名称、组织机构和场所。',
        '有与其开展的业务相适应的经费、设施、设备和专业卫生技术人员。',
        '有相应的规章制度。',
        '能够独立承担民事责任。',
      ],
      materials: [
        { id: 'application-form', kind: 'application_form', name: '医疗机构申请执业登记注册书', form: 'original', count: 1, required: true, sample: sampleAt(MEDICAL) },
        { id: 'setup-approval', name: '设置医疗机构批准书', form: 'copy', count: 1, required: false, note: '按规定应当办理设置审批的提交；本县核发的由窗口共享获取。' },
        { id: 'premises', name: '医疗机构用房产权证明或者使用证明', form: 'copy', count: 1, required: true },
        { id: 'floor-plan', name: '医疗机构建筑设计平面图', form: 'original', count: 1, required: true },
        {
          id: 'staff-roster',
          name: '医疗机构负责人及卫生技术人员名录、执业资格证书',
          form: 'copy',
          count: 1,
          required: true,
          note: '医师、护士电子注册信息通过信息共享核验的，免于提交证书复印件。',
        },
        { id: 'regulations', name: '医疗机构规章制度', form: 'original', count: 1, required: true },
        { id: 'equipment-list', name: '主要设备清单', form: 'original', count: 1, required: true },
        { id: 'funding-proof', name: '验资证明或者资产评估报告', form: 'original', count: 1, required: false },
        proxyMaterial,
      ],
      specialProcedures: [
        {
          kind: 'inspection',
          name: '现场审核及消毒隔离、无菌操作技能抽查考核',
          maxWorkingDays: 5,
          countsTowardLimit: true,
          charged: false,
          legalBasis: '《医疗机构管理条例实施细则》（执业登记审核）',
        },
      ],
      process: [
        { name: '申请', description: '在线申报或到窗口提交申请材料。', role: '申请人' },
        { name: '受理', description: '窗口审查申请材料，材料齐全、符合法定形式的予以受理；需补正的一次性告知。', role: '窗口受理人员' },
        { name: '审核', description: '按照医疗机构基本标准进行书面审查和现场审核，对卫生技术人员进行基本知识和技能现场抽查考核。', role: '医政审核人员' },
        { name: '决定', description: '审核合格的予以登记，发给医疗机构执业许可证；不合格的书面通知申请人并说明理由。', role: '审批负责人' },
        { name: '发证', description: '核发纸质证书及电子证照，窗口领取或邮寄送达。', role: '窗口出件人员' },
      ],
      timeLimits: { statutoryWorkingDays: 45, promisedWorkingDays: 10 },
      fees: [],
      visitsRequired: 1,
      serviceLocations: [healthWindow],
      consultation: consult.health(MEDICAL),
      complaint: complain.health,
      servicePromise: '申请材料齐全、符合法定形式的，10个工作日内办结（含现场审核）。',
      faq: [
        {
          question: '开办诊所需要办理执业登记吗？',
          answer: '诊所实行备案管理：按照《医疗机构管理条例》和国家卫生健康委的规定，诊所向所在地县级卫生健康行政部门备案后即可执业，无需办理执业登记。',
        },
        {
          question: '医疗机构执业许可证需要校验吗？',
          answer: '需要。床位不满100张的医疗机构，其执业许可证每年校验1次；床位在100张以上的，每3年校验1次，校验由原登记机关办理。',
        },
      ],
    },
  },
  {
    code: XRAY,
    content: {
      name: '放射诊疗许可（X射线影像诊断）',
      variant: 'new',
      type: 'administrative_licence',
      exerciseLevel: 'county',
      departmentId: 'health',
      serviceObjects: ['enterprise', 'public_institution', 'social_organization'],
      serviceMode: 'promised',
      handlingForms: ['window', 'online'],
      resultType: 'licence',
      resultName: '放射诊疗许可证',
      legalBasis: [
        {
          title: law.radiologyRules,
          article: '第四条第二款',
          excerpt: '医疗机构开展放射诊疗工作，应当具备与其开展的放射诊疗工作相适应的条件，经所在地县级以上地方卫生行政部门的放射诊疗技术和医用辐射机构许可（以下简称放射诊疗许可）。',
        },
        {
          title: law.radiologyRules,
          article: '第十一条',
          excerpt: radiologyJurisdiction,
        },
        { title: '《中华人民共和国职业病防治法》' },
      ],
      conditions: [
        '已取得医疗机构执业许可证，并具有经核准登记的医学影像科诊疗科目。',
        '具有符合国家相关标准和规定的放射诊疗场所和配套设施。',
        '具有专业的放射影像医师，放射工作人员已取得《放射工作人员证》。',
        '具有质量控制与安全防护专（兼）职管理人员和管理制度，并配备必要的防护用品和监测仪器。',
        '放射诊疗设备和工作场所经检测合格，放射诊疗建设项目已通过卫生审查和竣工验收。',
        '具有放射事件应急处理预案。',
      ],
      materials: [
        { id: 'application-form', kind: 'application_form', name: '放射诊疗许可申请表', form: 'original', count: 1, required: true, sample: sampleAt(XRAY) },
        { id: 'practice-licence', name: '医疗机构执业许可证', form: 'copy', count: 1, required: false, note: '本县核发的，通过电子证照共享获取。' },
        { id: 'staff-qualification', name: '放射诊疗专业技术人员名单、执业证书及《放射工作人员证》', form: 'copy', count: 1, required: true },
        { id: 'equipment-list', name: '放射诊疗设备清单', form: 'original', count: 1, required: true },
        { id: 'test-reports', name: '放射诊疗设备性能检测报告和工作场所放射防护检测报告', form: 'original', count: 1, required: true },
        { id: 'project-acceptance', name: '放射诊疗建设项目卫生审查及竣工验收资料', form: 'copy', count: 1, required: true },
        { id: 'personal-dosimetry', name: '放射工作人员个人剂量监测和职业健康检查资料', form: 'copy', count: 1, required: true },
        { id: 'safety-rules', name: '质量控制与安全防护管理制度及放射事件应急处理预案', form: 'original', count: 1, required: true },
        proxyMaterial,
      ],
      specialProcedures: [
        {
          kind: 'inspection',
          name: '放射诊疗场所现场审查',
          maxWorkingDays: 3,
          countsTowardLimit: true,
          charged: false,
          legalBasis: '《放射诊疗管理规定》（许可审查）',
        },
      ],
      process: [
        { name: '申请', description: '在线申报或到窗口提交申请材料。', role: '医疗机构' },
        { name: '受理', description: '窗口审查申请材料，材料齐全、符合法定形式的予以受理。', role: '窗口受理人员' },
        { name: '审查', description: '审查申请材料，组织对放射诊疗场所、设备和防护设施进行现场审查。', role: '审查人员' },
        { name: '决定', description: '对合格的予以批准，发给放射诊疗许可证；不予批准的书面说明理由。', role: '审批负责人' },
        { name: '科目登记', description: '取得许可后，同步在医疗机构执业许可证上办理相应诊疗科目登记。', role: '医政审核人员' },
      ],
      timeLimits: { statutoryWorkingDays: 20, promisedWorkingDays: 10 },
      fees: [],
      visitsRequired: 1,
      serviceLocations: [healthWindow],
      consultation: consult.health(XRAY),
      complaint: complain.health,
      servicePromise: '申请材料齐全、符合法定形式的，10个工作日内办结（含现场审查），许可与诊疗科目登记一次办结。',
      faq: [
        {
          question: '开展介入放射学工作也在县里办理吗？',
          answer: '不在县级办理。依照《放射诊疗管理规定》第十一条，开展介入放射学工作的，向设区的市级卫生行政部门申请；开展放射治疗、核医学工作的，向省级卫生行政部门申请。',
        },
        { question: '检测报告由谁出具？', answer: '由具备相应资质的放射卫生技术服务机构出具，检测费用由申请人与服务机构按市场价格协商，不属于行政收费。' },
      ],
    },
  },
  {
    code: RADIOTHERAPY,
    content: {
      name: '放射诊疗许可（放射治疗、核医学）',
      variant: 'new',
      type: 'administrative_licence',
      exerciseLevel: 'provincial',
      departmentId: 'health',
      serviceObjects: ['enterprise', 'public_institution', 'social_organization'],
      serviceMode: 'escalated',
      handlingForms: ['window', 'online'],
      resultType: 'licence',
      resultName: '放射诊疗许可证（省级卫生健康部门核发）',
      legalBasis: [
        {
          title: law.radiologyRules,
          article: '第四条第二款',
          excerpt: '医疗机构开展放射诊疗工作，应当具备与其开展的放射诊疗工作相适应的条件，经所在地县级以上地方卫生行政部门的放射诊疗技术和医用辐射机构许可（以下简称放射诊疗许可）。',
        },
        {
          title: law.radiologyRules,
          article: '第十一条',
          excerpt: radiologyJurisdiction,
        },
      ],
      conditions: [
        '已取得医疗机构执业许可证，并具有经核准登记的相应诊疗科目。',
        '开展放射治疗的，具有中级以上专业技术职务任职资格的放射肿瘤医师，病理学、医学影像学专业技术人员，大学本科以上学历或者中级以上专业技术职务任职资格的医学物理人员，以及放射治疗技师和维修人员。',
        '开展核医学的，具有中级以上专业技术职务任职资格的核医学医师，病理学、医学影像学专业技术人员，以及大学本科以上学历或者中级以上专业技术职务任职资格的技术人员或者核医学技师。',
        '具有相应的放射治疗装置或者核医学设备，以及符合标准的场所和防护设施。',
        '放射诊疗建设项目已通过卫生审查和竣工验收，设备和场所经检测合格。',
      ],
      materials: [
        { id: 'application-form', kind: 'application_form', name: '放射诊疗许可申请表', form: 'original', count: 1, required: true, sample: sampleAt(RADIOTHERAPY) },
        { id: 'practice-licence', name: '医疗机构执业许可证', form: 'copy', count: 1, required: false, note: '通过电子证照共享获取的，免于提交。' },
        { id: 'staff-qualification', name: '放射诊疗专业技术人员名单、职称证明、执业证书及《放射工作人员证》', form: 'copy', count: 1, required: true },
        { id: 'equipment-list', name: '放射治疗装置、核医学设备清单及相关资料', form: 'original', count: 1, required: true },
        { id: 'test-reports', name: '设备性能检测报告和工作场所放射防护检测报告', form: 'original', count: 1, required: true },
        { id: 'project-acceptance', name: '放射诊疗建设项目卫生审查及竣工验收资料（含职业病危害控制效果放射防护评价报告）', form: 'copy', count: 1, required: true },
        { id: 'safety-rules', name: '质量控制与安全防护管理制度及放射事件应急处理预案', form: 'original', count: 1, required: true },
        proxyMaterial,
      ],
      specialProcedures: [
        {
          kind: 'expert_review',
          name: '专家技术评审',
          maxWorkingDays: 10,
          countsTowardLimit: false,
          charged: false,
          legalBasis: `${art45}；评审所需时间书面告知申请人`,
        },
      ],
      process: [
        { name: '申请', description: '在本中心卫生健康窗口或网上提交申请材料（就近受理）。', role: '医疗机构' },
        { name: '受理初审', description: '县级卫生健康部门对材料进行完整性审查，材料齐全的出具受理凭证；需补正的一次性告知。', role: '窗口受理人员' },
        { name: '上报', description: '受理后1个工作日内通过政务服务平台将申请材料报送省级卫生健康部门。', role: '卫生健康局' },
        { name: '省级审查', description: '省级卫生健康部门审查材料，组织专家技术评审和现场审查，评审时间不计入审批时限。', role: '省卫生健康委员会' },
        { name: '决定', description: '省级卫生健康部门作出准予或者不予许可决定。', role: '省卫生健康委员会' },
        { name: '送达', description: '许可证由本中心窗口代为送达或邮寄，电子证照同步推送。', role: '窗口出件人员' },
      ],
      timeLimits: { statutoryWorkingDays: 20, promisedWorkingDays: 15 },
      fees: [],
      visitsRequired: 1,
      serviceLocations: [healthWindow],
      consultation: consult.health(RADIOTHERAPY),
      complaint: complain.health,
      servicePromise: '县级窗口就近受理，受理后1个工作日内上报；全程网上流转，办理进度可在政务服务网查询。',
      faq: [
        {
          question: '为什么在县里提交却由省里审批？',
          answer: '依照《放射诊疗管理规定》第十一条，开展放射治疗、核医学工作的，向省级卫生行政部门申请办理。本中心提供就近受理、代为上报服务，审批决定由省级卫生健康部门作出。',
        },
        { question: '专家评审需要多长时间？', answer: '一般不超过10个工作日，评审时间不计入审批时限，省级卫生健康部门会书面告知申请人评审安排。' },
      ],
    },
  },
  {
    code: BIRTH,
    content: {
      name: '出生医学证明补发',
      variant: 'new',
      type: 'public_service',
      exerciseLevel: 'county',
      departmentId: 'health',
      serviceObjects: ['natural_person'],
      serviceMode: 'immediate',
      handlingForms: ['window'],
      resultType: 'licence',
      resultName: '出生医学证明（补发）',
      legalBasis: [
        {
          title: '《中华人民共和国母婴保健法》',
          article: '第二十三条',
          excerpt: '医疗保健机构和从事家庭接生的人员按照国务院卫生行政部门的规定，出具统一制发的新生儿出生医学证明；有产妇和婴儿死亡以及新生儿出生缺陷情况的，应当向卫生行政部门报告。',
        },
        { title: '《中华人民共和国母婴保健法实施办法》（国务院令第308号）' },
        { title: '《国家卫生计生委 公安部关于启用和规范管理新版〈出生医学证明〉的通知》（国卫妇幼发〔2013〕52号）' },
      ],
      conditions: [
        '新生儿于1996年1月1日以后在依法取得助产技术服务资质的医疗保健机构出生，并已首次签发《出生医学证明》。',
        '《出生医学证明》遗失，或者严重损毁无法辨认。',
        '原签发机构存有出生登记档案，能够核实出生信息。',
      ],
      materials: [
        { id: 'application-form', kind: 'application_form', name: '出生医学证明补发申请表', form: 'original', count: 1, required: true, sample: sampleAt(BIRTH) },
        { id: 'parents-id', name: '父母双方有效身份证件', form: 'original', count: 1, required: true, note: '窗口核验后退还。' },
        { id: 'household-register', name: '新生儿户口簿', form: 'original', count: 1, required: false, note: '已办理户籍登记的提交，核验后退还。' },
        { id: 'loss-statement', name: '遗失情况说明及承诺书（父母签字）', form: 'original', count: 1, required: true, sample: sampleAt(BIRTH) },
        { id: 'damaged-certificate', name: '损毁的原《出生医学证明》', form: 'original', count: 1, required: false, note: '因损毁申请补发的交回。' },
        proxyMaterial,
      ],
      specialProcedures: [],
      process: [
        { name: '申请', description: '新生儿父母或监护人持材料到窗口提出申请。', role: '申请人' },
        { name: '核实', description: '窗口通过出生医学证明管理系统调取出生登记档案，核实新生儿及父母信息。', role: '窗口受理人员' },
        { name: '补发', description: '档案核实无误的，当场打印并发放补发的《出生医学证明》，补发信息存档备查。', role: '窗口受理人员' },
      ],
      timeLimits: { statutoryWorkingDays: 20, promisedWorkingDays: 0 },
      fees: [],
      visitsRequired: 1,
      serviceLocations: [healthWindow],
      consultation: consult.health(BIRTH),
      complaint: complain.health,
      servicePromise: '出生登记档案可在系统中核实的，当场补发；补发不收取任何费用。',
      faq: [
        { question: '补发出生医学证明收费吗？', answer: '不收费。' },
        {
          question: '孩子在外县出生，可以在本中心申请补发吗？',
          answer: '补发原则上由原签发机构所在地办理。本中心可受理咨询并指引到原签发机构所在地的县级卫生健康部门或指定机构申请。',
        },
        { question: '出生医学证明上的信息有误怎么办？', answer: '信息有误的，应当申请出生医学证明换发，不适用补发，请持相关证明材料到窗口咨询。' },
      ],
    },
  },
];
