/** The HR app's permission keys (the original's codenames; `auth.human_resources` is a legacy permission of the core) and what its pages and domain share. */
export const HR_REVIEW = "auth.human_resources" as const;
export const HR_APPROVE = "hrapplications.approve_application" as const;
export const HR_REJECT = "hrapplications.reject_application" as const;
export const HR_DELETE = "hrapplications.delete_application" as const;
export const HR_COMMENT = "hrapplications.add_applicationcomment" as const;

/** An application's status as shown: pending (no decision), approved or rejected. */
export type HrStatus = "pending" | "approved" | "rejected";
export const statusOf = (approved: boolean | null): HrStatus => (approved === null ? "pending" : approved ? "approved" : "rejected");

/** Longest answer and comment (characters). */
export const MAX_ANSWER = 5000;
export const MAX_COMMENT = 5000;

/** The form field of a question's answer. */
export const fieldName = (questionId: number) => `q${questionId}`;
