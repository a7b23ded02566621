/**
 * The business rules of the documents domain a request can break, each with its own
 * problem type (schemas/api/problems.ts explains the scheme); the OpenAPI
 * document lists them.
 */
import { defineProblems, msg } from '#schemas/api/problems';

export const documentsProblems = defineProblems({
  'material-not-on-checklist': {
    status: 422, title: msg('材料不在办件的材料清单中', 'Material not on the checklist'),
    about: 'An upload names a materialId that is not on the case\'s checklist; `errors` lists the ones that are.',
  },
  'file-too-large': {
    status: 422, title: msg('文件超过事项允许的大小', 'File too large'),
    about: 'The declared size is more than the item takes for one material (20 MB unless the item says otherwise).',
  },
  'case-closed-for-materials': {
    status: 409, title: msg('办件已办结，不再收取或核验材料', 'Case closed for materials'),
    about: 'Materials are handed in and verified only while the case is open (submitted up to its decision); a closed case keeps its files as archived.',
  },
  'too-many-files': {
    status: 409, title: msg('办件上传文件数量已达上限', 'Too many files'),
    about: 'A case holds a bounded number of uploads (received, rejected or pending); the window can help with what is still missing.',
  },
  'upload-slot-closed': {
    status: 422, title: msg('上传地址已使用或已失效', 'Upload slot closed'),
    about: 'A retry names, by its Idempotency-Key, a slot that was used (its file was received or rejected) or expired: the key is spent. Request a new slot with a new Idempotency-Key.',
  },
  'file-not-received': {
    status: 409, title: msg('文件尚未接收或已被拒收', 'File not received'),
    about: 'Only a received file is verified or downloaded: a pending file has not been uploaded and checked yet, a rejected one is never served (`rejection` says why).',
  },
  'archive-destroyed': {
    status: 409, title: msg('档案已销毁', 'Archive destroyed'),
    about: 'The archive was destroyed after its retention ended (its record stays); there is nothing left to dispose of.',
  },
  'archive-permanent': {
    status: 409, title: msg('永久档案不进行处置', 'Permanent archive'),
    about: 'An archive of the permanent class (永久) is never disposed.',
  },
  'retention-running': {
    status: 409, title: msg('档案保管期限未满', 'Retention running'),
    about: 'Disposition (鉴定处置) comes only after the retention ends (`retainUntil`); GET /archives?dueBy= lists the archives that are due.',
  },
  'disposition-pending': {
    status: 409, title: msg('已有待审批的处置意见', 'Disposition pending'),
    about: 'A disposition of this archive is proposed and waiting for a supervisor\'s approval.',
  },
  'destruction-approved': {
    status: 409, title: msg('销毁已批准，尚未完成', 'Destruction approved'),
    about: 'A destruction was approved and not finished (interrupted halfway): approve it again to finish it; nothing else may be proposed.',
  },
  'no-disposition-proposed': {
    status: 409, title: msg('没有待审批的处置意见', 'No disposition proposed'),
    about: 'Nothing waits for approval: a center administrator proposes a disposition first.',
  },
  'disposition-self-approval': {
    status: 403, title: msg('处置意见须由他人审批', 'Someone else must approve'),
    about: 'A disposition is approved by someone other than the person who proposed it (four eyes).',
  },
  'certificate-not-valid': {
    status: 409, title: msg('证照已失效', 'Certificate no longer valid'),
    about: 'The certificate was revoked (撤销), cancelled (注销) or superseded by a renewal or change (延续、变更) on the day the message names: an ended certificate is never revoked, cancelled or renewed again.',
  },
  'certificate-expired': {
    status: 409, title: msg('证照有效期已届满', 'Certificate expired'),
    about: 'The certificate is past its last day (validUntil): it may still be cancelled (注销, 行政许可法 art. 70), but not revoked, renewed or changed; renewal is applied for before it expires (art. 50).',
  },
  'certificate-not-held': {
    status: 422, title: msg('申请人不持有所指证照', 'Certificate not held'),
    about: 'A renewal, change or cancellation (延续 / 变更 / 注销) names a certificate (`certificateNo`) that this center did not issue to the applicant; a new application (新设) names none.',
  },
  'retain-years-required': {
    status: 422, title: msg('继续保存须注明年限', 'Years to keep required'),
    about: 'Keeping an archive longer (retain) names the years to add (`retainYears`).',
  },
});
