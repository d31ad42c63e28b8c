-- 0003: an assistant message cut short by the client disconnecting mid-answer.
ALTER TABLE messages ADD COLUMN interrupted boolean NOT NULL DEFAULT false;
