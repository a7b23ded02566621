/** Realistic documents for the PDF tests and bench/pdf-sizes.ts. */
import type { DenialDecision, ForwardingNotice, GrantDecision } from '../../../functions/documents/pdf/decision.ts';
import type { AcceptanceReceipt, Certificate, NoticeHeader, RefusalNotice, SupplementNotice } from '../../../functions/documents/pdf/render.ts';

export const header: NoticeHeader = {
  centerName: '嘉祥县政务服务中心',
  departmentName: '嘉祥县市场监督管理局',
  itemName: '食品经营许可（新办）',
  caseNo: '370829-20261127-00042',
  applicantName: '济宁市嘉和餐饮管理有限公司',
  issuedAt: '2026-11-27T02:15:00Z',
};

export const receipt: AcceptanceReceipt = {
  ...header,
  receivedOn: '2026-11-26',
  acceptedOn: '2026-11-27',
  promisedDue: '2026-12-11',
  materials: [
    { name: '食品经营许可申请书', form: 'original', count: 1 },
    { name: '营业执照', form: 'copy', count: 1 },
    { name: '法定代表人身份证明', form: 'electronic', count: 1 },
    { name: '与食品经营相适应的主要设备设施布局、操作流程等文件', form: 'original', count: 2 },
    { name: '食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等保证食品安全的规章制度', form: 'copy', count: 1 },
  ],
};

/** 容缺受理: two materials pledged, signed at the window; the received ones listed apart. */
export const toleranceReceipt: AcceptanceReceipt = {
  ...receipt,
  materials: receipt.materials.slice(0, 3),
  tolerance: {
    due: '2026-11-30',
    consent: { channel: 'window', at: '2026-11-27T02:05:00Z' },
    pledged: [
      { name: receipt.materials[3]!.name, detail: '3个工作日内补交原件' },
      { name: receipt.materials[4]!.name, detail: '补交加盖公章的复印件' },
    ],
  },
};

export const refusal: RefusalNotice = {
  ...header,
  reasons: ['申请事项依法不需要取得食品经营许可（仅销售预包装食品的，办理备案即可）。', '申请人提交的营业执照经营范围未包含食品经营相关项目。'],
  competentAgency: '济宁市卫生健康委员会',
};

/** Art. 32 para. 1 (2): another agency's matter, the agency named. */
export const refusalOutsidePowers: RefusalNotice = {
  ...header,
  ground: 'outside_powers',
  reasons: ['申请经营的项目为药品零售，依法由药品监督管理部门许可。'],
  competentAgency: '济宁市市场监督管理局（药品零售许可）',
};

/** Art. 32 para. 1 (1): no licence needed, told at once. */
export const refusalNotSubject: RefusalNotice = {
  ...header,
  ground: 'not_subject_to_licensing',
  reasons: ['仅销售预包装食品的，依法办理备案，不需要取得食品经营许可。'],
  remedies: { reconsiderationBody: '嘉祥县人民政府', court: '嘉祥县人民法院' },
};

const decided = {
  ...header,
  receivedOn: '2026-11-26',
  acceptedOn: '2026-11-27',
  issuedAt: '2026-12-03T03:00:00Z',
  legalBasis: [
    { title: '《中华人民共和国食品安全法》', article: '第三十五条' },
    { title: '《食品经营许可和备案管理办法》', article: '第十条' },
  ],
};

/** The grant with the certificate it names, the item's own bodies. */
export const grant: GrantDecision = {
  ...decided,
  certificate: { title: '食品经营许可证', certificateNo: 'JY23708290012345', validUntil: '2031-12-02' },
  remedies: { reconsiderationBody: '嘉祥县人民政府', court: '嘉祥县人民法院' },
};

/** The denial with its reasons; the item names no bodies (the defaults). */
export const denial: DenialDecision = {
  ...decided,
  reasons: ['经现场核查，经营场所与粗加工、切配、烹饪区域的布局不符合食品安全要求。', '未配备专职食品安全管理人员。'],
};

/** The upper authority's grant, told by the county for an escalated item. */
export const forwarding: ForwardingNotice = {
  ...header,
  itemName: '放射诊疗许可（放射治疗、核医学）',
  receivedOn: '2026-11-02',
  issuedAt: '2026-12-03T03:00:00Z',
  authority: '山东省卫生健康委员会',
  documentNo: '鲁卫放证字〔2026〕18号',
  decidedOn: '2026-12-01',
  outcome: 'granted',
  certificateNo: '鲁卫放证370000-0018',
};

export const supplement: SupplementNotice = {
  ...header,
  noticeOn: '2026-11-27',
  materials: [
    { name: '营业执照', reason: '复印件字迹不清，请提交清晰的复印件并加盖公章' },
    { name: '食品安全管理人员培训考核证明', reason: '缺少' },
    { name: '经营场所平面图', reason: '未标明粗加工、烹饪、餐用具清洗消毒等功能区域及面积' },
  ],
};

export const certificate: Certificate = {
  title: '食品经营许可证',
  certificateNo: 'JY23708290012345',
  holderName: header.applicantName,
  itemName: header.itemName,
  departmentName: header.departmentName,
  centerName: header.centerName,
  caseNo: header.caseNo,
  issuedOn: '2026-12-03',
  validUntil: '2031-12-02',
  verifyUrl: 'https://zwfw.jiaxiang.gov.cn/public/certificates/JY23708290012345',
};

/** A material list that runs over several pages. */
export function longReceipt(count: number): AcceptanceReceipt {
  const forms = ['original', 'copy', 'electronic'] as const;
  return {
    ...receipt,
    materials: Array.from({ length: count }, (_, i) => ({
      name: `第${i + 1}项：分支机构${i + 1}的食品经营场所使用证明及设备设施布局、操作流程文件`,
      form: forms[i % 3]!,
      count: 1 + (i % 2),
    })),
  };
}
