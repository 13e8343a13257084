DROP TABLE attachments_sent_later;
DROP TABLE change_requests;
DROP FUNCTION refuse_link_change();
