-- The brokers of the fleet: one row per running broker process, refreshed while it runs. Other brokers read
-- it to tell a live peer from a dead one (a pending task whose broker stopped heart-beating can be asked again).
CREATE TABLE leasehold.brokers (
  broker_id   text        PRIMARY KEY CHECK (length(broker_id) BETWEEN 1 AND 128),
  started_at  timestamptz NOT NULL,
  last_seen   timestamptz NOT NULL
);
