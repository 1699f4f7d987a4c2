-- Rewrite fixtures (sqlglot's tests/fixtures/optimizer style): a query, then the SQL the compiler
-- makes of it for the policy `t` (columns a, b; no masks; row filter b > 0) with max_rows 100.
-- Blocks: `-- what it shows`, the query, a line `-- =>`, the expected DuckDB SQL on one line.
-- The test also runs each rewritten query: the result, not the text, is what matters.

-- a table becomes its source select under the written name: the columns the query names, the row filter, the fence
SELECT a FROM t
-- =>
SELECT a FROM (SELECT "__zh_row"."a" FROM "__zh_src"."t" AS "__zh_row" WHERE "__zh_row"."b" > 0 LIMIT 9223372036854775807) AS t LIMIT 101

-- an alias the caller wrote is kept
SELECT x.a FROM t AS x WHERE x.b = 1
-- =>
SELECT x.a FROM (SELECT "__zh_row"."a", "__zh_row"."b" FROM "__zh_src"."t" AS "__zh_row" WHERE "__zh_row"."b" > 0 LIMIT 9223372036854775807) AS x WHERE x.b = 1 LIMIT 101

-- a smaller LIMIT stays; comments are dropped
SELECT a /* note */ FROM t ORDER BY a LIMIT 5
-- =>
SELECT a FROM (SELECT "__zh_row"."a" FROM "__zh_src"."t" AS "__zh_row" WHERE "__zh_row"."b" > 0 LIMIT 9223372036854775807) AS t ORDER BY a LIMIT 5

-- a larger LIMIT is cut to max_rows + 1
SELECT a FROM t LIMIT 100000
-- =>
SELECT a FROM (SELECT "__zh_row"."a" FROM "__zh_src"."t" AS "__zh_row" WHERE "__zh_row"."b" > 0 LIMIT 9223372036854775807) AS t LIMIT 101

-- a CTE is renamed, its references keep the written name as alias
WITH c AS (SELECT a FROM t) SELECT c.a FROM c
-- =>
WITH __zh_cte_0 AS (SELECT a FROM (SELECT "__zh_row"."a" FROM "__zh_src"."t" AS "__zh_row" WHERE "__zh_row"."b" > 0 LIMIT 9223372036854775807) AS t) SELECT c.a FROM __zh_cte_0 AS c LIMIT 101

-- a CTE named like the granted table shadows it in the main query, not in its own body
WITH t AS (SELECT a + 1 AS a FROM t) SELECT a FROM t
-- =>
WITH __zh_cte_0 AS (SELECT a + 1 AS a FROM (SELECT "__zh_row"."a" FROM "__zh_src"."t" AS "__zh_row" WHERE "__zh_row"."b" > 0 LIMIT 9223372036854775807) AS t) SELECT a FROM __zh_cte_0 AS t LIMIT 101

-- a CTE inside a subquery is visible there only
SELECT (WITH d AS (SELECT 2 AS v) SELECT v FROM d) AS v, a FROM t
-- =>
SELECT (WITH __zh_cte_0 AS (SELECT 2 AS v) SELECT v FROM __zh_cte_0 AS d) AS v, a FROM (SELECT "__zh_row"."a" FROM "__zh_src"."t" AS "__zh_row" WHERE "__zh_row"."b" > 0 LIMIT 9223372036854775807) AS t LIMIT 101

-- a UNION gets the cap on the whole
SELECT a FROM t UNION ALL SELECT b FROM t
-- =>
SELECT a FROM (SELECT "__zh_row"."a", "__zh_row"."b" FROM "__zh_src"."t" AS "__zh_row" WHERE "__zh_row"."b" > 0 LIMIT 9223372036854775807) AS t UNION ALL SELECT b FROM (SELECT "__zh_row"."a", "__zh_row"."b" FROM "__zh_src"."t" AS "__zh_row" WHERE "__zh_row"."b" > 0 LIMIT 9223372036854775807) AS t LIMIT 101

-- table names are matched without regard to case
SELECT * FROM T
-- =>
SELECT * FROM (SELECT "__zh_row"."a", "__zh_row"."b" FROM "__zh_src"."t" AS "__zh_row" WHERE "__zh_row"."b" > 0 LIMIT 9223372036854775807) AS T LIMIT 101

-- a query that names no column still selects one (the first clear one)
SELECT count(*) AS n FROM t
-- =>
SELECT COUNT(*) AS n FROM (SELECT "__zh_row"."a" FROM "__zh_src"."t" AS "__zh_row" WHERE "__zh_row"."b" > 0 LIMIT 9223372036854775807) AS t LIMIT 101

-- a table used as a value (its whole row) keeps every granted column
SELECT t FROM t
-- =>
SELECT t FROM (SELECT "__zh_row"."a", "__zh_row"."b" FROM "__zh_src"."t" AS "__zh_row" WHERE "__zh_row"."b" > 0 LIMIT 9223372036854775807) AS t LIMIT 101

-- a NATURAL join compares columns nobody names: every granted column stays
SELECT count(*) AS n FROM t NATURAL JOIN t AS u
-- =>
SELECT COUNT(*) AS n FROM (SELECT "__zh_row"."a", "__zh_row"."b" FROM "__zh_src"."t" AS "__zh_row" WHERE "__zh_row"."b" > 0 LIMIT 9223372036854775807) AS t NATURAL JOIN (SELECT "__zh_row"."a", "__zh_row"."b" FROM "__zh_src"."t" AS "__zh_row" WHERE "__zh_row"."b" > 0 LIMIT 9223372036854775807) AS u LIMIT 101
