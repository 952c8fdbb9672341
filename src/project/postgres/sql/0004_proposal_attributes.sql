-- Shugu's schema on a team server, version 4: a proposal carries attributes
-- (an OCR line's recognised `text`), JSON as an annotation's `attrs`, NULL for
-- none; accepting the proposal hands them to the annotation it becomes.

ALTER TABLE shugu.proposals ADD COLUMN attrs jsonb;
