//! Pure conversions between the model and annotation file formats. No I/O beyond readers and writers handed in, no SQLite, no egui.

pub mod coco;
pub mod cvat;
pub mod dota;
pub mod file_shape;
pub mod json_fields;
pub mod label_paths;
pub mod label_studio_images;
pub mod labelme;
pub mod predictions;
pub mod text;
pub mod voc;
pub mod xml;
pub mod yolo;
