//! The drawn model: the annotations of the item on screen as the canvas sees
//! them, each an id, a class and a [`Shape`], with its bounds and area worked
//! out once so that painting and hit-testing thousands of shapes stay cheap.
//!
//! A scene is built when the item or the project changes (not every frame);
//! each new scene gets a new generation, which the canvas's caches key on.

use crate::model::{Annotation, AnnotationId, BBox, ClassId, Proposal, ProposalId, Shape};
use std::sync::atomic::{AtomicU64, Ordering};

/// A shape on the canvas with its id, class and what is derived from it once:
/// its bounds and area. `data` is what else the thing carries (a proposal's
/// score).
#[derive(Clone, Debug, PartialEq)]
pub struct Drawn<I, D = ()> {
    pub id: I,
    pub class: ClassId,
    pub shape: Shape,
    pub data: D,
    bounds: BBox,
    area: f64,
}

/// One annotation on the canvas.
pub type SceneShape = Drawn<AnnotationId>;

/// A model proposal on the canvas, with its score: drawn dashed.
pub type SceneProposal = Drawn<ProposalId, f32>;

impl<I, D> Drawn<I, D> {
    pub fn with(id: I, class: ClassId, shape: Shape, data: D) -> Self {
        let bounds = shape.bounds();
        let area = shape.area();
        Self {
            id,
            class,
            shape,
            data,
            bounds,
            area,
        }
    }

    /// The shape's axis-aligned box (derived once).
    pub fn bounds(&self) -> BBox {
        self.bounds
    }

    /// The shape's area (0 for lines and points), which ranks hits.
    pub fn area(&self) -> f64 {
        self.area
    }
}

impl SceneShape {
    pub fn new(id: AnnotationId, class: ClassId, shape: Shape) -> Self {
        Self::with(id, class, shape, ())
    }
}

impl SceneProposal {
    pub fn score(&self) -> f32 {
        self.data
    }
}

static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

/// The annotations and proposals of one item, in drawing order (later on top).
#[derive(Clone, Debug, Default)]
pub struct Scene {
    generation: u64,
    pub shapes: Vec<SceneShape>,
    pub proposals: Vec<SceneProposal>,
}

impl Scene {
    pub fn new(shapes: Vec<SceneShape>, proposals: Vec<SceneProposal>) -> Self {
        Self {
            generation: NEXT_GENERATION.fetch_add(1, Ordering::Relaxed),
            shapes,
            proposals,
        }
    }

    /// An item's annotations and proposals, each with its shape.
    pub fn from_annotations(annotations: &[Annotation], proposals: &[Proposal]) -> Self {
        Self::new(
            annotations
                .iter()
                .map(|a| SceneShape::new(a.id, a.class, a.shape.clone()))
                .collect(),
            proposals
                .iter()
                .map(|p| SceneProposal::with(p.id, p.class, p.shape.clone(), p.score))
                .collect(),
        )
    }

    /// Changes with every new scene; caches of what is drawn key on it.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn get(&self, id: AnnotationId) -> Option<&SceneShape> {
        self.shapes.iter().find(|s| s.id == id)
    }

    pub fn proposal(&self, id: ProposalId) -> Option<&SceneProposal> {
        self.proposals.iter().find(|p| p.id == id)
    }
}
