-- Notifications (issue 14): what happened that a person should know, kept on the server so what arrived while
-- they were away is still there. Written in the same transaction as the change it reports.
CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    text         TEXT    NOT NULL,
    at           INTEGER NOT NULL,
    read_at      INTEGER,
    outgoing_id  INTEGER REFERENCES outgoing_documents(id),
    incoming_id  INTEGER REFERENCES incoming_documents(id)
);
-- A person's list, newest first, and their unread count.
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE read_at IS NULL;
