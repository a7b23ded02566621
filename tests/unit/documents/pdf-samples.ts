/** Realistic documents for the PDF tests and bench/pdf-sizes.ts. */
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
