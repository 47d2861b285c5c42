-- The catalogue of SQL the Orleans ADO.NET providers run. Each provider reads its rows once, when it
-- starts, and then only ever executes these texts: the schema below is ours to shape as long as every
-- query keeps the parameter names and result column names the providers bind by.
CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64)   NOT NULL,
    querytext varchar(8000) NOT NULL,
    CONSTRAINT orleansquery_key PRIMARY KEY (querykey)
);
