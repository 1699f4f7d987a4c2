-- Resource bombs that pass the compiler (every part is allowed) and must be stopped by the sandbox:
-- DuckDB's memory limit, the worker's address-space cap, max_execution_time or the parent's SIGKILL.
-- One block per statement: `-- [expected codes] what it tries`, then the statement; blank lines
-- between blocks. The test runs each with small limits while normal queries run beside it.

-- [memory_limit|timeout] a list aggregate over a three-way cross join
SELECT length(list(a.address || b.address)::VARCHAR) FROM persons a, persons b, persons c

-- [memory_limit|timeout] string_agg over a three-way cross join
SELECT length(string_agg(a.address || b.name || c.phone, ',')) FROM persons a, persons b, persons c

-- [memory_limit|timeout] a running string_agg window: quadratic memory
SELECT max(length(s)) FROM (SELECT string_agg(a.address, '') OVER (ORDER BY a.age, b.age ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS s FROM persons a, persons b)

-- [memory_limit|timeout|query_failed] repeat() of an aggregate: one huge string
SELECT length(repeat(string_agg(a.address, ''), 1000)) FROM persons a, persons b

-- [memory_limit|timeout] sorting a four-way cross join
SELECT a.id_number, b.name, c.phone, d.address FROM persons a, persons b, persons c, persons d ORDER BY 1, 2, 3, 4 LIMIT 5

-- [timeout] counting a four-way cross join
SELECT count(*) FROM persons a, persons b, persons c, persons d

-- [timeout|memory_limit] count(DISTINCT) over a three-way cross join
SELECT count(DISTINCT a.id_number || b.id_number || c.id_number) FROM persons a, persons b, persons c

-- [timeout|memory_limit] a self-join on a constant (every pair matches)
SELECT count(*) FROM persons a JOIN persons b ON 1 = 1 JOIN persons c ON 1 = 1 JOIN persons d ON 1 = 1

-- [timeout|memory_limit] a CTE cross-joined with itself four times
WITH w AS (SELECT * FROM persons) SELECT count(*) FROM w a, w b, w c, w d

-- [timeout|memory_limit] a UNION of cross joins (the UNION must keep every distinct row)
SELECT count(*) FROM (SELECT a.name || b.phone || c.id_number AS k FROM persons a, persons b, persons c UNION SELECT a.phone || b.name FROM persons a, persons b, persons c) q

-- [timeout|memory_limit] GROUP BY over a three-way cross join with a string key
SELECT a.address || b.address || c.address AS k, count(*) FROM persons a, persons b, persons c GROUP BY k ORDER BY 2 DESC LIMIT 1

-- [timeout|memory_limit] window functions over a three-way cross join
SELECT max(r) FROM (SELECT row_number() OVER (PARTITION BY a.name ORDER BY b.phone, c.phone) AS r FROM persons a, persons b, persons c)

-- [timeout|memory_limit] regexp_replace growing an aggregated string
SELECT length(regexp_replace(string_agg(a.address || b.address, ''), '(.)', '\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1', 'g')) FROM persons a, persons b, (SELECT 1 FROM persons LIMIT 4) c

-- [timeout|memory_limit] levenshtein of two aggregated strings: one expression that never yields
SELECT levenshtein(string_agg(a.address, ''), string_agg(b.address, '')) FROM persons a, persons b

-- [timeout|memory_limit] quantile over a three-way cross join (keeps every value)
SELECT quantile_cont(a.income + b.income + c.income, 0.5) FROM persons a, persons b, persons c

-- [timeout|memory_limit] a correlated subquery over a cross join, per row of a cross join
SELECT sum((SELECT count(*) FROM persons x, persons y WHERE x.age + y.age > a.age + b.age)) FROM persons a, persons b

-- [timeout|memory_limit] lpad at its bound over a four-way cross join
SELECT max(length(lpad(a.name, 1000, 'x') || lpad(b.name, 1000, 'y'))) FROM persons a, persons b, persons c, persons d

-- [timeout|memory_limit] an IN over a correlated cross-joined subquery
SELECT count(*) FROM persons a WHERE a.name IN (SELECT b.name || c.name FROM persons b, persons c WHERE b.age <> a.age)

-- [timeout|memory_limit] a VALUES list multiplied by cross joins
SELECT sum(v.x * a.age * b.age * c.age) FROM (VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10)) v(x), persons a, persons b, persons c

-- [timeout|memory_limit] array_agg of arrays over a cross join
SELECT length(array_agg(string_split(a.address || b.address, ''))::VARCHAR) FROM persons a, persons b, persons c
