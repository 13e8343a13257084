DROP TRIGGER invoice_bases_feed ON invoice_bases;
DROP FUNCTION invoice_feed_event();
DROP TABLE credit_notes;
DROP TABLE invoice_lines;
DROP TABLE invoice_bases;
DROP FUNCTION invoice_lines_add_up();
DROP FUNCTION refuse_invoice_document_change();
DROP FUNCTION invoice_basis_guard();
DROP TABLE invoice_number_counters;
