DROP TABLE notifications;
DROP TABLE custodian_notification_addresses;
DROP TABLE person_contacts;
