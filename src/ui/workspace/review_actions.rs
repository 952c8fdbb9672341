//! The workspace's review actions: proposals accepted or rejected, the item
//! submitted, accepted or rejected (with the reason window) and moved on,
//! golden items, review comments.

use super::*;

impl Workspace {
    /// Accepts the selected proposal: it becomes an annotation by the
    /// annotator, and it is selected.
    pub fn accept_selected_proposal(&mut self) {
        let Some(id) = self.selected_proposal else {
            return;
        };
        if let Some(applied) = self.apply(Edit::AcceptProposals(vec![id])) {
            self.selected_proposal = None;
            self.selected = applied.created.first().copied();
        }
    }

    /// Rejects (deletes) the selected proposal.
    pub fn reject_selected_proposal(&mut self) {
        if let Some(id) = self.selected_proposal
            && self.apply(Edit::DeleteProposals(vec![id])).is_some()
        {
            self.selected_proposal = None;
        }
    }

    /// The current item's proposals scoring at least the threshold.
    pub fn proposals_above_threshold(&mut self) -> Vec<ProposalId> {
        let threshold = self.proposal_threshold;
        self.proposals()
            .iter()
            .filter(|p| p.score >= threshold)
            .map(|p| p.id)
            .collect()
    }

    /// Accepts every proposal of the item scoring at least the threshold, as
    /// one step.
    pub fn accept_proposals_above(&mut self) {
        let ids = self.proposals_above_threshold();
        if !ids.is_empty() && self.apply(Edit::AcceptProposals(ids)).is_some() {
            self.selected_proposal = None;
        }
    }

    /// Rejects every proposal of the item, as one step.
    pub fn reject_all_proposals(&mut self) {
        let ids: Vec<ProposalId> = self.proposals().iter().map(|p| p.id).collect();
        if !ids.is_empty() && self.apply(Edit::DeleteProposals(ids)).is_some() {
            self.selected_proposal = None;
        }
    }

    pub fn delete_selected(&mut self) {
        if self.selected_proposal.is_some() {
            self.reject_selected_proposal();
        } else if let Some(id) = self.text.selected.take() {
            let Some(item) = self.current_item().map(|i| i.id) else {
                return;
            };
            self.apply(Edit::DeleteSpans(vec![SpanRef { item, id }]));
        } else if let Some(id) = self.selected.take() {
            self.apply(Edit::DeleteAnnotations(vec![id]));
        }
    }

    /// Submits the current item for review and moves on.
    pub fn done_and_next(&mut self) {
        self.set_status_and_next(ItemStatus::Submitted);
    }

    /// Reviewer: accepts the current item and moves on.
    pub fn accept_and_next(&mut self) {
        self.set_status_and_next(ItemStatus::Accepted);
    }

    /// Reviewer: makes the current item golden (its annotations become the
    /// trusted answer for work packages), or not any more.
    pub fn toggle_golden(&mut self) {
        let Some(item) = self.current_item().map(|i| i.id) else {
            return;
        };
        let result = self.project.is_golden(item);
        if let Some(was) = self.report(result) {
            self.apply(Edit::SetGolden { item, golden: !was });
        }
    }

    pub(super) fn set_status_and_next(&mut self, status: ItemStatus) {
        if let Some(item) = self.current_item().map(|i| i.id)
            && self.apply(Edit::SetStatus { item, status }).is_some()
        {
            self.step(1);
        }
    }

    /// Reviewer: rejects the current item with `reason` (a comment on the
    /// item, in the same undo step) and moves on.
    pub fn reject_and_next(&mut self, reason: &str) {
        let Some(item) = self.current_item().map(|i| i.id) else {
            return;
        };
        let edit = Edit::Batch(vec![
            Edit::SetStatus {
                item,
                status: ItemStatus::Rejected,
            },
            Edit::AddComments(vec![NewComment {
                item,
                target: None,
                body: reason.trim().to_string(),
            }]),
        ]);
        if self.apply(edit).is_some() {
            self.rejecting = None;
            self.step(1);
        }
    }

    /// Pins the comment being written to the selected annotation or span.
    pub fn comment_on_selection(&mut self) {
        let Some(item) = self.current_item().map(|i| i.id) else {
            return;
        };
        let target = match (self.text.selected, self.selected) {
            (Some(span), _) => CommentTarget::Span(span),
            (None, Some(a)) => CommentTarget::Annotation(a),
            (None, None) => return,
        };
        let edit = Edit::AddComments(vec![NewComment {
            item,
            target: Some(target),
            body: self.comment_draft.trim().to_string(),
        }]);
        if self.apply(edit).is_some() {
            self.comment_draft.clear();
        }
    }

    /// The window asking why an item is rejected.
    pub(super) fn reject_window(&mut self, ctx: &egui::Context) {
        let Some(mut reason) = self.rejecting.take() else {
            return;
        };
        let mut open = true;
        let mut chosen: Option<String> = None;
        egui::Window::new(t!("review.reject_title"))
            .open(&mut open)
            .collapsible(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label(t!("review.reject_prompt"));
                ui.horizontal_wrapped(|ui| {
                    for key in REJECT_REASONS {
                        let preset = t!(key);
                        if ui.button(preset.as_ref()).clicked() {
                            chosen = Some(preset.into_owned());
                        }
                    }
                });
                let field = ui.add(
                    egui::TextEdit::singleline(&mut reason).hint_text(t!("review.reason_hint")),
                );
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let confirm = ui
                    .add_enabled(
                        !reason.trim().is_empty(),
                        egui::Button::new(t!("review.reject")),
                    )
                    .clicked();
                if (confirm || enter) && !reason.trim().is_empty() {
                    chosen = Some(reason.clone());
                }
            });
        match chosen {
            Some(reason) if self.gallery_open() => self.bulk_reject(&reason),
            Some(reason) => self.reject_and_next(&reason),
            None if open => self.rejecting = Some(reason),
            None => {}
        }
    }
}
