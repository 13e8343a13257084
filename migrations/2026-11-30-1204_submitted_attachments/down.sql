DROP TABLE submitted_attachments;
DROP TABLE attachment_blobs;
