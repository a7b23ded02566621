/**
 * Service items (事项) and their guides (办事指南): the one source of the
 * request/response shapes, their TypeScript types and the OpenAPI components.
 * Field names follow DOMAIN.md "Service items and guides".
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { Limit, NextToken, Page, StringEnum, closed, text, ItemCode, DepartmentId, CenterId, ServiceMode, SpecialProcedure } from './common.ts';

const list = <T extends Parameters<typeof Type.Array>[0]>(item: T, maxItems: number, minItems = 0) =>
  Type.Array(item, { minItems, maxItems });

export const ItemStatus = StringEnum(['draft', 'submitted', 'rejected', 'approved', 'published', 'superseded', 'retired'] as const, 'Publishing workflow of one version. Clients must tolerate values they do not know.');
export type ItemStatus = Static<typeof ItemStatus>;

export const LegalBasis = Type.Object(
  {
    title: text(200, 'Law or regulation, e.g. 《中华人民共和国行政许可法》'),
    article: Type.Optional(text(100, 'Article, e.g. 第三十二条')),
    excerpt: Type.Optional(text(2000)),
  },
  closed,
);

export const materialKinds = ['application_form', 'main', 'supporting'] as const;

export const Material = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$', maxLength: 40, description: 'Stable id within the item, used by case checklists' }),
    name: text(200),
    form: StringEnum(['original', 'copy', 'electronic'] as const, '原件 / 复印件 / 电子件'),
    count: Type.Integer({ minimum: 1, maximum: 99 }),
    required: Type.Boolean(),
    kind: Type.Optional(StringEnum(materialKinds, '申请表 / 主要材料 / 其他材料: the application form and the main materials are never tolerable (容缺); default supporting')),
    tolerable: Type.Optional(Type.Boolean({ description: 'May be pledged under 容缺受理 (handed in after acceptance); only a supporting material; default false' })),
    sample: Type.Optional(text(500, 'Where the sample form (样表) can be found')),
    note: Type.Optional(text(500)),
  },
  closed,
);
export type Material = Static<typeof Material>;

export const ProcessStep = Type.Object(
  { name: text(50, 'e.g. 受理'), description: text(1000), role: Type.Optional(text(50)) },
  closed,
);

export const feeKinds = ['fixed', 'per_unit', 'tiered'] as const;
/** The most units one fee line may count: keeps every amount a safe integer (10⁸ fen × 10⁶ units). */
export const MAX_FEE_QUANTITY = 1_000_000;
const FeeAmount = (description: string) => Type.Integer({ minimum: 0, maximum: 100_000_000, description });
const FeeQuantity = (description: string) => Type.Integer({ minimum: 1, maximum: MAX_FEE_QUANTITY, description });

/**
 * One tier of a tiered fee (阶梯收费), charged at the margin: the units above
 * the previous tier's `upTo`, up to its own, cost `amountFen` each, so one unit
 * more never costs less, nor jumps by a whole bracket.
 */
export const FeeTier = Type.Object(
  {
    upTo: Type.Optional(FeeQuantity('The last unit of the tier (inclusive); absent on the last tier only: every unit above the previous one. A last tier with upTo caps the quantity')),
    amountFen: FeeAmount('Integer fen per unit within the tier'),
  },
  closed,
);

/**
 * A fee of the item (收费项目), by kind: `fixed` is one amount per case;
 * `per_unit` is `amountFen` per unit (e.g. per square metre and day) within
 * the quantity bounds; `tiered` prices the units by its tiers. The fees domain
 * checks what a schema cannot say (functions/fees/schedule.ts).
 */
export const Fee = Type.Object(
  {
    feeId: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$', maxLength: 40, description: 'Stable id within the item, named by charges; required on every fee of a version written now (versions written before fee ids have none: their fees are `fee-1`, `fee-2`… by position)' })),
    name: text(100),
    kind: Type.Optional(StringEnum(feeKinds, '定额 / 按单位计 / 阶梯; absent: fixed (every fee written before kinds). Clients must tolerate values they do not know.')),
    amountFen: Type.Optional(FeeAmount('Integer fen (分): the fee (fixed) or the price of one unit (per_unit); absent on a tiered fee, whose tiers carry the prices')),
    minQuantity: Type.Optional(FeeQuantity('per_unit: the fewest units a charge may count; default 1')),
    maxQuantity: Type.Optional(FeeQuantity('per_unit: the most units a charge may count')),
    tiers: Type.Optional(Type.Array(FeeTier, { minItems: 1, maxItems: 10, description: 'tiered: the tiers, by ascending upTo' })),
    currency: Type.Literal('CNY'),
    unit: text(50, 'e.g. 每件'),
    basis: text(500, 'The law or pricing document that allows the fee (收费依据)'),
  },
  closed,
);
export type Fee = Static<typeof Fee>;

export const Channel = Type.Object(
  {
    kind: StringEnum(['phone', 'window', 'online', 'email', 'hotline'] as const),
    value: text(200),
  },
  closed,
);

export const ServiceLocation = Type.Object(
  { window: text(100, 'e.g. 市场监管综合窗口 (A区3-5号)'), address: text(200), hours: text(200) },
  closed,
);

export const Faq = Type.Object({ question: text(300), answer: text(2000) }, closed);

const FieldName = Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9]{0,39}$', maxLength: 40 });

/**
 * The typed fields an application for this item carries (e.g. the proposed
 * company name), as a JSON Schema object; applications are validated against it
 * with unknown fields refused. Property schemas are plain JSON Schema, written
 * by an administrator: the catalog compiles each with a strict JSON Schema
 * compiler before storing it (an unknown keyword or a malformed schema is
 * `item-content-invalid`).
 */
export const IntakeFields = Type.Object(
  {
    type: Type.Literal('object'),
    properties: Type.Record(
      FieldName,
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'The JSON Schema of one field',
        'x-free-form': 'an administrator\'s JSON Schema: bounded by the body\'s size and nesting depth, and compiled strictly before it is stored',
      }),
      { maxProperties: 50 },
    ),
    required: Type.Optional(Type.Array(FieldName, { maxItems: 50, uniqueItems: true })),
  },
  { ...closed, description: 'JSON Schema (draft 7 subset) of the application fields' },
);
export type IntakeFields = Static<typeof IntakeFields>;

/** Everything an admin writes about a version: the guide elements. */
export const ItemContent = Type.Object(
  {
    name: text(200),
    variant: StringEnum(['new', 'change', 'renewal', 'cancellation'] as const, '办理项: 新设 / 变更 / 延续 / 注销'),
    parentCode: Type.Optional(ItemCode),
    type: StringEnum(['administrative_licence', 'administrative_confirmation', 'administrative_filing', 'public_service', 'other'] as const),
    exerciseLevel: StringEnum(['national', 'provincial', 'municipal', 'county', 'township'] as const),
    departmentId: DepartmentId,
    serviceObjects: list(
      StringEnum(['natural_person', 'enterprise', 'public_institution', 'social_organization', 'other_organization'] as const),
      5,
      1,
    ),
    serviceMode: ServiceMode,
    handlingForms: list(StringEnum(['window', 'online', 'courier'] as const), 3, 1),
    resultType: StringEnum(['licence', 'approval_document', 'other', 'none'] as const),
    resultName: Type.Optional(text(200)),
    validityYears: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: 'Years the certificate this item issues is valid (有效期), counted from the issue day; absent: valid without a time limit (长期有效)' })),
    renewalApplyDays: Type.Optional(Type.Integer({
      minimum: 1, maximum: 180,
      description: 'Days before a certificate of this item expires by which its holder must apply for renewal (延续, 行政许可法 art. 50: 30, unless a law, regulation or rule sets another period); absent: 30. The holder is reminded 30 days before that day. Only with validityYears',
    })),
    legalBasis: list(LegalBasis, 20, 1),
    remedies: Type.Optional(Type.Object(
      {
        reconsiderationBody: text(200, 'Where an applicant applies for administrative reconsideration (行政复议机关), e.g. 嘉祥县人民政府'),
        court: text(200, 'Where an applicant sues (管辖法院), e.g. 嘉祥县人民法院'),
      },
      { ...closed, description: 'The competent bodies the decisions of this item name (行政许可法 art. 38); absent: the decisions name 本级人民政府 and the basic people\'s court where the agency sits' },
    )),
    conditions: list(text(1000), 30, 1),
    materials: list(Material, 60),
    specialProcedures: list(SpecialProcedure, 10),
    process: list(ProcessStep, 20, 1),
    timeLimits: Type.Object(
      {
        statutoryWorkingDays: Type.Integer({ minimum: 0, maximum: 365, description: '法定时限 in working days' }),
        promisedWorkingDays: Type.Integer({ minimum: 0, maximum: 365, description: '承诺时限 in working days, never above the statutory one' }),
        extensionWorkingDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 60, description: 'Extension the agency head may grant once (延期); default 10, 15 for joint items (art. 42)' })),
        deliveryWorkingDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 30, description: 'Delivery of the result after the decision (送达); default 10 (art. 44)' })),
        noticeWorkingDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 5, description: 'Days to give the one-time supplement notice before the application counts as accepted; default 5 (art. 32)' })),
        supplementWorkingDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, description: 'Days the applicant has to answer a supplement notice before the case closes as supplement timed out (补正逾期); default the center\'s setting (30)' })),
      },
      closed,
    ),
    jointDepartments: Type.Optional(list(DepartmentId, 10, 1)),
    separateReviewAndDecision: Type.Optional(Type.Boolean({ description: '审查与审批分离: the approver who decides a case must not have recorded a review opinion on it (default false)' })),
    tolerantAcceptance: Type.Optional(
      Type.Object(
        { toleranceWorkingDays: Type.Integer({ minimum: 1, maximum: 20, description: 'Days the applicant has to hand in the pledged materials' }) },
        { ...closed, description: '容缺受理 is offered for this item: accepted with tolerable materials (materials[].tolerable) missing against a signed pledge' },
      ),
    ),
    intakeFields: Type.Optional(IntakeFields),
    materialMaxBytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 100 * 1024 * 1024, description: 'Largest file a material of this item may be uploaded as, in bytes; default 20 MB' })),
    retentionClass: Type.Optional(StringEnum(['10y', '30y', 'permanent'] as const, 'Retention of the archived case file (保管期限: 10 年 / 30 年 / 永久); default 30y')),
    fees: list(Fee, 20),
    paymentStage: Type.Optional(StringEnum(['before_acceptance', 'before_delivery'] as const, 'When the fees are paid (缴费环节): before the case is accepted, or before its result is delivered; present exactly when the item has fees')),
    unpaidExpiryWorkingDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, description: 'Working days a payment notice (缴款通知书) stays payable before the charge expires; only with fees; absent: 15' })),
    onUnpaidExpiry: Type.Optional(StringEnum(['terminate', 'keep_waiting'] as const, 'What an expired unpaid charge does to the case (未按期缴费): terminate it (终止, audited by CasePaymentTimedOut), or keep it waiting to pay until the department issues a new charge or cancels it; absent: terminate')),
    visitsRequired: Type.Integer({ minimum: 0, maximum: 5, description: 'Visits to the hall (到现场次数)' }),
    serviceLocations: list(ServiceLocation, 10, 1),
    consultation: list(Channel, 10, 1),
    complaint: list(Channel, 10, 1),
    servicePromise: Type.Optional(text(1000)),
    faq: list(Faq, 30),
  },
  closed,
);
export type ItemContent = Static<typeof ItemContent>;

export const CreateItemRequest = Type.Object({ code: ItemCode, content: ItemContent }, closed);
export type CreateItemRequest = Static<typeof CreateItemRequest>;

export const UpdateItemRequest = Type.Object({ content: ItemContent }, closed);
export type UpdateItemRequest = Static<typeof UpdateItemRequest>;

export const ReviewRequest = Type.Object({ reason: Type.Optional(text(1000)) }, closed);
export type ReviewRequest = Static<typeof ReviewRequest>;

/** Who acted on a version: the staff member's account id, which the staff directory resolves. */
const StaffAccountId = Type.String({ description: 'Account id (sub) of the staff member; GET /org/staff?id= names them' });

export const ItemVersion = Type.Object(
  {
    code: ItemCode,
    version: Type.Integer({ minimum: 1 }),
    status: ItemStatus,
    content: ItemContent,
    createdAt: Type.String({ format: 'date-time' }),
    createdBy: StaffAccountId,
    updatedAt: Type.String({ format: 'date-time' }),
    submittedBy: Type.Optional(StaffAccountId),
    reviewedBy: Type.Optional(StaffAccountId),
    reviewReason: Type.Optional(Type.String()),
    publishedAt: Type.Optional(Type.String({ format: 'date-time' })),
    retiredAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  closed,
);
export type ItemVersion = Static<typeof ItemVersion>;

/** A published guide as the public sees it: no staff ids, no review notes. */
export const PublicItem = Type.Object(
  {
    code: ItemCode,
    version: Type.Integer({ minimum: 1 }),
    status: ItemStatus,
    content: ItemContent,
    publishedAt: Type.String({ format: 'date-time' }),
    retiredAt: Type.Optional(Type.String({ format: 'date-time' })),
    extensionWorkingDays: Type.Integer({ description: 'The one extension of the limit the agency head may grant (art. 42): the item\'s own, else 10, 15 for joint items' }),
  },
  closed,
);
export type PublicItem = Static<typeof PublicItem>;

export const ItemSummary = Type.Object(
  {
    code: ItemCode,
    version: Type.Integer({ minimum: 1 }),
    name: Type.String(),
    variant: Type.String(),
    departmentId: DepartmentId,
    serviceMode: ServiceMode,
    status: ItemStatus,
    promisedWorkingDays: Type.Integer(),
    statutoryWorkingDays: Type.Integer(),
  },
  closed,
);
export type ItemSummary = Static<typeof ItemSummary>;

export const ItemPage = Page(ItemSummary);

export const ListPublishedItemsQuery = Type.Object(
  {
    centerId: Type.Optional(CenterId),
    departmentId: Type.Optional(DepartmentId),
    serviceMode: Type.Optional(ServiceMode),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '\\S', description: 'Keywords, each of which occurs in the item\'s name or code or its department\'s name (case- and width-insensitive)' })),
    limit: Type.Optional(Limit),
    nextToken: Type.Optional(NextToken),
  },
  closed,
);
export type ListPublishedItemsQuery = Static<typeof ListPublishedItemsQuery>;

/** A version number as the path and query carry it. */
const VersionNumber = Type.String({ pattern: '^[1-9][0-9]{0,5}$', maxLength: 6, description: 'Version number, 1–999999' });

export const GetPublishedItemQuery = Type.Object(
  {
    centerId: Type.Optional(CenterId),
    version: Type.Optional(VersionNumber),
  },
  closed,
);

export const ListItemsQuery = Type.Object(
  {
    status: Type.Optional(ItemStatus),
    departmentId: Type.Optional(DepartmentId),
    limit: Type.Optional(Limit),
    nextToken: Type.Optional(NextToken),
  },
  closed,
);
export type ListItemsQuery = Static<typeof ListItemsQuery>;

export const ItemCodePath = Type.Object({ code: ItemCode }, closed);
export const ItemVersionPath = Type.Object({ code: ItemCode, version: VersionNumber }, closed);
export const ItemActionPath = Type.Object(
  {
    code: ItemCode,
    version: VersionNumber,
    action: StringEnum(['submit', 'approve', 'reject', 'publish'] as const),
  },
  closed,
);
