/**
 * The named schemas of the OpenAPI document (`components.schemas`): the names a
 * generated client's types get. schemas/openapi.ts turns every subschema that
 * equals one of these (canonical JSON, so copies made by TypeBox or by spreading
 * `.properties` match too) into a `$ref`; a request or response body matching
 * none is named after its operation (`SubmitCaseRequest`, `GetCaseResponse`).
 *
 * Rules for entries:
 *  - the exported TypeBox object, under its exported name unless that name is
 *    ambiguous in the whole API (two `Channel`s → `ContactChannel`,
 *    `NotificationChannel`) or says less than it could (`Level` → `RatingLevel`);
 *  - no two entries with the same JSON (the first would take every match;
 *    tests/unit/shared/openapi.test.ts checks): `AcceptBody` and `NoteBody` are
 *    one schema, so only `NoteBody`; `DepartmentId`/`CenterId` and
 *    `ApplicantId`/`FileId` are equal strings, so none of them;
 *  - only what the document uses (the same test lists unused entries): path and
 *    query containers are not schemas of the document, their properties become
 *    parameters.
 *
 * Namespace imports keep this file loading while a domain renames an export
 * (the entry is then `undefined` and skipped, and the type check names it).
 */
import type { TSchema } from '@sinclair/typebox';
import * as applicants from './applicants.ts';
import * as audit from './audit.ts';
import * as caseClock from './case-clock.ts';
import * as cases from './cases.ts';
import * as catalog from './catalog.ts';
import * as common from './common.ts';
import * as documents from './documents.ts';
import * as evaluation from './evaluation.ts';
import * as notifications from './notifications.ts';
import * as org from './org.ts';
import * as events from '../events/envelope.ts';

export const apiComponents: Readonly<Record<string, TSchema>> = {
  // The HTTP stack: problem details (RFC 9457).
  Problem: common.Problem,
  FieldError: common.FieldError,

  // catalog: service items and their guides
  ItemCode: common.ItemCode,
  ServiceMode: common.ServiceMode,
  ItemStatus: catalog.ItemStatus,
  LegalBasis: catalog.LegalBasis,
  MaterialForm: documents.MaterialForm,
  ItemMaterial: catalog.Material,
  SpecialProcedure: common.SpecialProcedure,
  ProcessStep: catalog.ProcessStep,
  Fee: catalog.Fee,
  ContactChannel: catalog.Channel,
  ServiceLocation: catalog.ServiceLocation,
  Faq: catalog.Faq,
  IntakeFields: catalog.IntakeFields,
  ItemContent: catalog.ItemContent,
  CreateItemRequest: catalog.CreateItemRequest,
  UpdateItemRequest: catalog.UpdateItemRequest,
  ReviewRequest: catalog.ReviewRequest,
  ItemVersion: catalog.ItemVersion,
  PublicItem: catalog.PublicItem,
  ItemSummary: catalog.ItemSummary,
  ItemPage: catalog.ItemPage,

  // org: the center, departments, windows, staff, calendar
  CenterBody: org.CenterBody,
  Center: org.Center,
  WindowId: common.WindowId,
  DepartmentBody: org.DepartmentBody,
  Department: org.Department,
  DepartmentList: org.DepartmentList,
  WindowBody: org.WindowBody,
  ServiceWindow: org.ServiceWindow,
  WindowList: org.WindowList,
  CalendarYearBody: org.CalendarYearBody,
  CalendarYear: org.CalendarYear,
  StaffRole: org.StaffRoleName,
  Username: common.Username,
  StaffBody: org.StaffBody,
  Staff: org.Staff,
  StaffEntry: org.StaffEntry,
  StaffList: org.StaffList,

  // applicants
  ApplicantKind: common.ApplicantKind,
  RegistrationBody: applicants.RegistrationBody,
  NotificationPreferences: applicants.NotificationPreferences,
  ProfileBody: applicants.ProfileBody,
  Applicant: applicants.Applicant,
  AccountStatus: applicants.AccountStatus,
  StaffApplicantView: applicants.StaffApplicantView,
  AgentScope: applicants.AgentScope,
  AgentBody: applicants.AgentBody,
  AgentGrant: applicants.AgentGrant,
  AgentList: applicants.AgentList,

  // cases
  CaseNo: common.CaseNo,
  CaseState: caseClock.CaseState,
  MaterialId: common.MaterialId,
  ClockEffect: caseClock.ClockEffect,
  IntakeMaterial: cases.IntakeMaterial,
  IntakeRequest: cases.IntakeRequest,
  MaterialStatus: cases.MaterialStatus,
  CaseMaterial: cases.CaseMaterial,
  NoteBody: cases.NoteBody,
  AcceptWithToleranceBody: cases.AcceptWithToleranceBody,
  RefuseBody: cases.RefuseBody,
  SupplementNoticeBody: cases.SupplementNoticeBody,
  SupplementBody: cases.SupplementBody,
  OpinionBody: cases.OpinionBody,
  JointOpinionBody: cases.JointOpinionBody,
  SuspendBody: cases.SuspendBody,
  EscalateBody: cases.EscalateBody,
  ReturnBody: cases.ReturnBody,
  ExtensionRequestBody: cases.ExtensionRequestBody,
  DenyBody: cases.DenyBody,
  DeliverBody: cases.DeliverBody,
  WithdrawBody: cases.WithdrawBody,
  Deadlines: caseClock.Deadlines,
  RemainingWorkingDays: cases.Remaining,
  CaseClock: cases.CaseClock,
  Receipt: cases.Receipt,
  Case: cases.Case,
  CaseSummary: cases.CaseSummary,
  CasePage: cases.CasePage,
  QueueName: cases.QueueName,
  TimelineEntry: cases.TimelineEntry,
  Timeline: cases.Timeline,
  PublicProgress: cases.PublicProgress,

  // documents
  DocumentId: documents.DocumentId,
  CertificateNo: documents.CertificateNo,
  UploadType: documents.UploadType,
  TrustLevel: documents.TrustLevel,
  FileStatus: documents.FileStatus,
  UploadRequest: documents.UploadRequest,
  MaterialFile: documents.MaterialFile,
  Upload: documents.Upload,
  DocumentKind: documents.DocumentKind,
  IssuedDocument: documents.IssuedDocument,
  CaseDocuments: documents.CaseDocuments,
  Download: documents.Download,
  CertificateCheck: documents.CertificateCheck,
  RetentionClass: documents.RetentionClass,
  ArchiveRecord: documents.ArchiveRecord,
  ArchiveRetrieval: documents.ArchiveRetrieval,
  ArchivePage: documents.ArchivePage,
  DispositionProposal: documents.DispositionProposal,

  // notifications
  NotificationChannel: notifications.Channel,
  Delivery: notifications.Delivery,
  DeliveryLog: notifications.DeliveryLog,

  // audit
  EventActor: events.Actor,
  EventSubject: events.Subject,
  AuditRecord: audit.AuditRecord,
  AuditRecordPage: audit.AuditRecordPage,
  AuditExportPage: audit.ExportPage,
  DigestChain: audit.DigestChain,
  AuditDigest: audit.AuditDigest,

  // evaluation
  EvaluationId: evaluation.EvaluationId,
  EvaluationState: evaluation.EvaluationState,
  EvaluationType: evaluation.EvaluationType,
  IndicatorSet: evaluation.IndicatorSet,
  RatingLevel: evaluation.Level,
  Indicators: evaluation.Indicators,
  RateBody: evaluation.RateBody,
  CallBackBody: evaluation.CallBackBody,
  RectifyBody: evaluation.RectifyBody,
  RateFixBody: evaluation.RateFixBody,
  AppealBody: evaluation.AppealBody,
  DecideAppealBody: evaluation.DecideAppealBody,
  Rating: evaluation.Rating,
  EvaluationTasks: evaluation.EvaluationTasks,
  Appeal: evaluation.Appeal,
  Rater: evaluation.Rater,
  Evaluation: evaluation.Evaluation,
  EvaluationSummary: evaluation.EvaluationSummary,
  EvaluationPage: evaluation.EvaluationPage,
  EvaluationQueue: evaluation.EvaluationQueue,
  EvaluationSettingsBody: evaluation.SettingsBody,
  EvaluationSettings: evaluation.Settings,
  Month: evaluation.Month,
  SatisfactionFigures: evaluation.Figures,
  MonthlyFigures: evaluation.MonthlyFigures,
  PublicFigures: evaluation.PublicFigures,
};
