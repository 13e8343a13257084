DROP TABLE price_list_versions;
DROP FUNCTION price_list_version_guard();
DROP TABLE invoicing_parties;
DROP EXTENSION IF EXISTS btree_gist;
