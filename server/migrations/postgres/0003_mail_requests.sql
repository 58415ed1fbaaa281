-- Requests from anonymous pages that send mail (sign-up, password reset),
-- counted per address and per recipient so nobody can use Carekeys to flood
-- an inbox or run up the practice's mail bill.
CREATE TABLE mail_requests (
    kind TEXT NOT NULL,
    ip TEXT NOT NULL,
    recipient TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX mail_requests_ip ON mail_requests(ip, at);
CREATE INDEX mail_requests_recipient ON mail_requests(recipient, at);
