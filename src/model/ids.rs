use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// An image (or, later, a text record) in the dataset. Assigned once, never reused.
    ItemId
);
id_type!(
    /// An annotation of an image (a shape). Assigned once, never reused.
    AnnotationId
);
id_type!(
    /// Shapes of one item that belong together (a person's region and keypoints).
    /// Numbered by whoever made them (an import takes the file's group or record
    /// id), so only equal within one item means anything.
    GroupId
);
id_type!(
    /// A text span annotation. Assigned once, never reused.
    SpanId
);
id_type!(
    /// A review comment. Assigned once, never reused.
    CommentId
);
id_type!(
    /// A class of the label schema (of shapes, or of spans). Stable for the life of the project.
    ClassId
);
id_type!(
    /// An image-level classification label of the label schema.
    LabelId
);
id_type!(
    /// A model proposal (a pre-label). Assigned once, never reused.
    ProposalId
);
