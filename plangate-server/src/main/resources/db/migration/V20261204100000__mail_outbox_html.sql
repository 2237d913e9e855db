-- The HTML part of a mail, sent beside its plain text; null for a plain-text mail, and erased
-- with the text once sent or failed when it went over SMTP (it may hold a token).
alter table mail_outbox add column html varchar;
