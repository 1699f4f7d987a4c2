-- Attack corpus: statements the gateway must refuse before any engine sees them.
-- One block per statement: a comment line `-- [expected codes] what it tries`, then the
-- statement (no blank lines inside); blocks are separated by blank lines. Codes separated
-- by | are alternatives. In blocks marked (escaped), \xNN and \uNNNN stand for invisible or
-- control characters (the test puts the real characters back). Add blocks freely.

-- [forbidden_function] file reader read_csv() in FROM
SELECT * FROM read_csv('/etc/passwd')

-- [forbidden_function] file reader read_csv_auto() in FROM
SELECT * FROM read_csv_auto('/etc/passwd')

-- [forbidden_function] file reader read_parquet() in FROM
SELECT * FROM read_parquet('/etc/passwd')

-- [forbidden_function] file reader parquet_scan() in FROM
SELECT * FROM parquet_scan('/etc/passwd')

-- [forbidden_function] file reader read_json() in FROM
SELECT * FROM read_json('/etc/passwd')

-- [forbidden_function] file reader read_json_auto() in FROM
SELECT * FROM read_json_auto('/etc/passwd')

-- [forbidden_function] file reader read_json_objects() in FROM
SELECT * FROM read_json_objects('/etc/passwd')

-- [forbidden_function] file reader read_ndjson() in FROM
SELECT * FROM read_ndjson('/etc/passwd')

-- [forbidden_function] file reader read_ndjson_auto() in FROM
SELECT * FROM read_ndjson_auto('/etc/passwd')

-- [forbidden_function] file reader read_ndjson_objects() in FROM
SELECT * FROM read_ndjson_objects('/etc/passwd')

-- [forbidden_function] file reader read_text() in FROM
SELECT * FROM read_text('/etc/passwd')

-- [forbidden_function] file reader read_blob() in FROM
SELECT * FROM read_blob('/etc/passwd')

-- [forbidden_function] file reader sniff_csv() in FROM
SELECT * FROM sniff_csv('/etc/passwd')

-- [forbidden_function] file reader parquet_metadata() in FROM
SELECT * FROM parquet_metadata('/etc/passwd')

-- [forbidden_function] file reader parquet_schema() in FROM
SELECT * FROM parquet_schema('/etc/passwd')

-- [forbidden_function] file reader parquet_file_metadata() in FROM
SELECT * FROM parquet_file_metadata('/etc/passwd')

-- [forbidden_function] file reader parquet_kv_metadata() in FROM
SELECT * FROM parquet_kv_metadata('/etc/passwd')

-- [forbidden_function] file reader glob() in FROM
SELECT * FROM glob('/etc/passwd')

-- [forbidden_function] file reader read_xlsx() in FROM
SELECT * FROM read_xlsx('/etc/passwd')

-- [forbidden_function] file reader sqlite_scan() in FROM
SELECT * FROM sqlite_scan('/etc/passwd')

-- [forbidden_function] file reader postgres_scan() in FROM
SELECT * FROM postgres_scan('/etc/passwd')

-- [forbidden_function] file reader mysql_scan() in FROM
SELECT * FROM mysql_scan('/etc/passwd')

-- [forbidden_function] file reader iceberg_scan() in FROM
SELECT * FROM iceberg_scan('/etc/passwd')

-- [forbidden_function] file reader delta_scan() in FROM
SELECT * FROM delta_scan('/etc/passwd')

-- [forbidden_function] file reader st_read() in FROM
SELECT * FROM st_read('/etc/passwd')

-- [forbidden_function] file reader read_csv() in a scalar subquery
SELECT (SELECT count(*) FROM read_csv('/var/lib/zhongshu/*.parquet')) AS n FROM persons

-- [forbidden_function] file reader read_csv() inside a CTE
WITH x AS (SELECT * FROM read_csv('/root/.ssh/id_rsa')) SELECT * FROM x

-- [forbidden_function] file reader read_csv() joined to a granted table
SELECT p.name FROM persons p JOIN read_csv('/tmp/other.parquet') o ON true

-- [forbidden_function] file reader read_parquet() in a scalar subquery
SELECT (SELECT count(*) FROM read_parquet('/var/lib/zhongshu/*.parquet')) AS n FROM persons

-- [forbidden_function] file reader read_parquet() inside a CTE
WITH x AS (SELECT * FROM read_parquet('/root/.ssh/id_rsa')) SELECT * FROM x

-- [forbidden_function] file reader read_parquet() joined to a granted table
SELECT p.name FROM persons p JOIN read_parquet('/tmp/other.parquet') o ON true

-- [forbidden_function] file reader read_text() in a scalar subquery
SELECT (SELECT count(*) FROM read_text('/var/lib/zhongshu/*.parquet')) AS n FROM persons

-- [forbidden_function] file reader read_text() inside a CTE
WITH x AS (SELECT * FROM read_text('/root/.ssh/id_rsa')) SELECT * FROM x

-- [forbidden_function] file reader read_text() joined to a granted table
SELECT p.name FROM persons p JOIN read_text('/tmp/other.parquet') o ON true

-- [forbidden_function] file reader read_blob() in a scalar subquery
SELECT (SELECT count(*) FROM read_blob('/var/lib/zhongshu/*.parquet')) AS n FROM persons

-- [forbidden_function] file reader read_blob() inside a CTE
WITH x AS (SELECT * FROM read_blob('/root/.ssh/id_rsa')) SELECT * FROM x

-- [forbidden_function] file reader read_blob() joined to a granted table
SELECT p.name FROM persons p JOIN read_blob('/tmp/other.parquet') o ON true

-- [forbidden_function] file reader glob() in a scalar subquery
SELECT (SELECT count(*) FROM glob('/var/lib/zhongshu/*.parquet')) AS n FROM persons

-- [forbidden_function] file reader glob() inside a CTE
WITH x AS (SELECT * FROM glob('/root/.ssh/id_rsa')) SELECT * FROM x

-- [forbidden_function] file reader glob() joined to a granted table
SELECT p.name FROM persons p JOIN glob('/tmp/other.parquet') o ON true

-- [forbidden_function] file reader parquet_metadata() in a scalar subquery
SELECT (SELECT count(*) FROM parquet_metadata('/var/lib/zhongshu/*.parquet')) AS n FROM persons

-- [forbidden_function] file reader parquet_metadata() inside a CTE
WITH x AS (SELECT * FROM parquet_metadata('/root/.ssh/id_rsa')) SELECT * FROM x

-- [forbidden_function] file reader parquet_metadata() joined to a granted table
SELECT p.name FROM persons p JOIN parquet_metadata('/tmp/other.parquet') o ON true

-- [forbidden_function] read_parquet of another dataset's version, with a list
SELECT * FROM read_parquet(['/var/lib/zhongshu/warehouse/gaj/persons/v3/part-0.parquet'])

-- [forbidden_function] read_csv with options
SELECT * FROM read_csv('/etc/shadow', header=false, columns={'line': 'VARCHAR'})

-- [forbidden_function] read_text as a scalar function
SELECT read_text('/etc/hostname')

-- [forbidden_function] read_blob in WHERE
SELECT 1 FROM persons WHERE EXISTS (SELECT 1 FROM read_blob('/etc/passwd'))

-- [forbidden_function] glob listing files in IN
SELECT name FROM persons WHERE name IN (SELECT file FROM glob('/*'))

-- [unknown_table] replacement scan: file name as a string table
SELECT * FROM '/etc/passwd'

-- [unknown_table] replacement scan: parquet file as a string table
SELECT * FROM '/var/lib/zhongshu/warehouse/persons.parquet'

-- [unknown_table] replacement scan: quoted identifier file name
SELECT * FROM "secret.parquet"

-- [unknown_table] replacement scan: csv file joined
SELECT * FROM persons JOIN 'x.csv' ON true

-- [unknown_table] replacement scan: glob pattern as a table
SELECT * FROM '/var/lib/zhongshu/**/*.parquet'

-- [unknown_table] replacement scan: URL as a table
SELECT * FROM 'https://example.org/data.csv'

-- [unknown_table] replacement scan: s3 URL
SELECT * FROM 's3://bucket/key.parquet'

-- [unknown_table] replacement scan inside a CTE
WITH x AS (SELECT * FROM 'data.json') SELECT * FROM x

-- [forbidden_function] table function query_table()
SELECT * FROM query_table('__zh_src.persons')

-- [forbidden_function] table function query()
SELECT * FROM query('SELECT * FROM __zh_src.persons')

-- [forbidden_function] table function range()
SELECT * FROM range(1000000000)

-- [forbidden_function] table function generate_series()
SELECT * FROM generate_series(1, 1000000000)

-- [forbidden_function] table function unnest()
SELECT * FROM unnest([1, 2, 3])

-- [forbidden_function] table function repeat_row()
SELECT * FROM repeat_row(1, num_rows := 1000000000)

-- [forbidden_function] table function duckdb_settings()
SELECT * FROM duckdb_settings()

-- [forbidden_function] table function duckdb_tables()
SELECT * FROM duckdb_tables()

-- [forbidden_function] table function duckdb_columns()
SELECT * FROM duckdb_columns()

-- [forbidden_function] table function duckdb_views()
SELECT * FROM duckdb_views()

-- [forbidden_function] table function duckdb_functions()
SELECT * FROM duckdb_functions()

-- [forbidden_function] table function duckdb_extensions()
SELECT * FROM duckdb_extensions()

-- [forbidden_function] table function duckdb_databases()
SELECT * FROM duckdb_databases()

-- [forbidden_function] table function duckdb_schemas()
SELECT * FROM duckdb_schemas()

-- [forbidden_function] table function duckdb_secrets()
SELECT * FROM duckdb_secrets()

-- [forbidden_function] table function duckdb_memory()
SELECT * FROM duckdb_memory()

-- [forbidden_function] table function duckdb_temporary_files()
SELECT * FROM duckdb_temporary_files()

-- [forbidden_function] table function duckdb_dependencies()
SELECT * FROM duckdb_dependencies()

-- [forbidden_function] table function duckdb_constraints()
SELECT * FROM duckdb_constraints()

-- [forbidden_function] table function duckdb_indexes()
SELECT * FROM duckdb_indexes()

-- [forbidden_function] table function duckdb_sequences()
SELECT * FROM duckdb_sequences()

-- [forbidden_function] table function duckdb_types()
SELECT * FROM duckdb_types()

-- [forbidden_function] table function duckdb_keywords()
SELECT * FROM duckdb_keywords()

-- [forbidden_function] table function duckdb_optimizers()
SELECT * FROM duckdb_optimizers()

-- [forbidden_function] table function duckdb_variables()
SELECT * FROM duckdb_variables()

-- [forbidden_function] table function duckdb_logs()
SELECT * FROM duckdb_logs()

-- [forbidden_function] table function duckdb_prepared_statements()
SELECT * FROM duckdb_prepared_statements()

-- [forbidden_function] table function pragma_table_info()
SELECT * FROM pragma_table_info('persons')

-- [forbidden_function] table function pragma_storage_info()
SELECT * FROM pragma_storage_info('persons')

-- [forbidden_function] table function pragma_database_size()
SELECT * FROM pragma_database_size()

-- [forbidden_function] table function pragma_version()
SELECT * FROM pragma_version()

-- [forbidden_function] table function pragma_metadata_info()
SELECT * FROM pragma_metadata_info()

-- [forbidden_function] table function pragma_show()
SELECT * FROM pragma_show('persons')

-- [forbidden_function] table function pragma_platform()
SELECT * FROM pragma_platform()

-- [forbidden_function] table function pragma_user_agent()
SELECT * FROM pragma_user_agent()

-- [forbidden_function] table function test_all_types()
SELECT * FROM test_all_types()

-- [forbidden_function] table function summary()
SELECT * FROM summary((SELECT 1))

-- [forbidden_function] table function which_secret()
SELECT * FROM which_secret('s3://x', 's3')

-- [forbidden_function] table function checkpoint()
SELECT * FROM checkpoint()

-- [forbidden_function] table function force_checkpoint()
SELECT * FROM force_checkpoint()

-- [forbidden_function] table function icu_calendar_names()
SELECT * FROM icu_calendar_names()

-- [forbidden_function] table function pg_timezone_names()
SELECT * FROM pg_timezone_names()

-- [forbidden_function] table function duckdb_approx_database_count()
SELECT * FROM duckdb_approx_database_count()

-- [forbidden_function] table function arrow_scan()
SELECT * FROM arrow_scan()

-- [forbidden_function] table function seq_scan()
SELECT * FROM seq_scan()

-- [forbidden_function] table function index_scan()
SELECT * FROM index_scan()

-- [forbidden_function] query_table() on the sandbox view by its internal name
SELECT * FROM query_table('"__zh_src"."persons"')

-- [forbidden_function] query() running raw SQL over the view
SELECT * FROM query('SELECT id_number FROM "__zh_src".persons')

-- [forbidden_function] query_table() with a list of tables
SELECT * FROM query_table(['persons', 'households'])

-- [forbidden_function] range() joined for a row bomb
SELECT p.name FROM persons p, range(100000000) r

-- [forbidden_function] range() as a scalar list bomb
SELECT range(1000000000)

-- [forbidden_function] generate_series() as a scalar list bomb
SELECT generate_series(1, 1000000000)

-- [forbidden_function] unnest(range()) row bomb
SELECT unnest(range(1000000000))

-- [forbidden_function] unnest of a split string
SELECT unnest(string_split(name, '')) FROM persons

-- [forbidden_function] duckdb_settings() in a scalar subquery
SELECT (SELECT value FROM duckdb_settings() WHERE name = 'allowed_paths') FROM persons LIMIT 1

-- [forbidden_function] duckdb_views() to read view definitions (file paths)
SELECT sql FROM duckdb_views() WHERE NOT internal

-- [forbidden_function] duckdb_columns() to find ungranted columns
SELECT column_name FROM duckdb_columns() WHERE table_name = 'persons'

-- [forbidden_function] duckdb_functions() to find the token function
SELECT function_name FROM duckdb_functions() WHERE function_name LIKE '%zh%'

-- [unknown_table] unqualified catalog view pg_settings
SELECT * FROM pg_settings

-- [unknown_table] unqualified catalog view pg_class
SELECT * FROM pg_class

-- [unknown_table] unqualified catalog view pg_tables
SELECT * FROM pg_tables

-- [unknown_table] unqualified catalog view pg_views
SELECT * FROM pg_views

-- [unknown_table] unqualified catalog view pg_namespace
SELECT * FROM pg_namespace

-- [unknown_table] unqualified catalog view pg_proc
SELECT * FROM pg_proc

-- [unknown_table] unqualified catalog view sqlite_master
SELECT * FROM sqlite_master

-- [unknown_table] unqualified catalog view sqlite_schema
SELECT * FROM sqlite_schema

-- [unknown_table] unqualified catalog view duckdb_settings (no parentheses)
SELECT * FROM duckdb_settings

-- [unknown_table] unqualified catalog view duckdb_views (no parentheses)
SELECT * FROM duckdb_views

-- [unknown_table] unqualified catalog view duckdb_tables (no parentheses)
SELECT * FROM duckdb_tables

-- [unknown_table] unqualified catalog view duckdb_columns (no parentheses)
SELECT * FROM duckdb_columns

-- [unknown_table] catalog view in a scalar subquery
SELECT (SELECT count(*) FROM pg_settings) FROM persons

-- [unknown_table] catalog view in EXISTS
SELECT name FROM persons WHERE EXISTS (SELECT 1 FROM duckdb_views)

-- [unknown_table] catalog view joined
SELECT * FROM persons JOIN pg_class ON true

-- [unknown_table] catalog view in a CTE
WITH s AS (SELECT * FROM pg_settings) SELECT * FROM s

-- [unknown_table] ungranted dataset
SELECT * FROM households_secret

-- [unknown_table] ungranted dataset in a subquery
SELECT * FROM persons WHERE id_number IN (SELECT id_number FROM criminal_records)

-- [unknown_table] granted name with a suffix
SELECT * FROM persons_v2

-- [unknown_table] granted name with a trailing space (quoted)
SELECT * FROM "persons "

-- [unknown_table] an alias of the outer query used as a table
SELECT * FROM persons AS pg_settings WHERE EXISTS (SELECT 1 FROM pg_settings)

-- [unknown_table] an outer alias used as a table inside a subquery
SELECT * FROM persons p WHERE EXISTS (SELECT 1 FROM p)

-- [unknown_table] a CTE referenced before it is defined
WITH a AS (SELECT * FROM b), b AS (SELECT 1 AS x) SELECT * FROM a

-- [unknown_table] a CTE of a subquery used outside it
SELECT * FROM (WITH inner_cte AS (SELECT 1 AS x) SELECT * FROM inner_cte) q, inner_cte

-- [qualified_name] schema-qualified catalog view
SELECT * FROM information_schema.tables

-- [qualified_name] schema-qualified catalog columns
SELECT * FROM information_schema.columns

-- [qualified_name] schema-qualified pg_catalog
SELECT * FROM pg_catalog.pg_settings

-- [qualified_name] catalog-qualified system view
SELECT * FROM system.main.duckdb_settings

-- [qualified_name] main schema
SELECT * FROM main.persons

-- [qualified_name] memory catalog
SELECT * FROM memory.main.persons

-- [qualified_name] temp schema
SELECT * FROM temp.persons

-- [qualified_name] the sandbox schema by name
SELECT * FROM "__zh_src"."persons"

-- [qualified_name] a lookalike of the sandbox schema
SELECT * FROM zh_src.persons

-- [qualified_name] an attached database
SELECT * FROM other_db.main.secrets

-- [qualified_name] a qualified table in a subquery
SELECT * FROM persons WHERE name IN (SELECT name FROM main.households)

-- [qualified_name|reserved_name] the sandbox schema unquoted
SELECT * FROM __zh_src.persons

-- [reserved_name] an alias in the reserved namespace
SELECT * FROM persons AS __zh_row

-- [reserved_name] a CTE named like a renamed CTE
WITH __zh_cte_0 AS (SELECT 1 AS x) SELECT * FROM __zh_cte_0

-- [reserved_name] a column alias in the reserved namespace
SELECT name AS __zh_v FROM persons

-- [reserved_name] the row alias as a column qualifier
SELECT __zh_row.id_number FROM persons

-- [reserved_name] reserved name quoted with upper case
SELECT "__ZH_ROW".id_number FROM persons

-- [reserved_name] reserved name as a struct field path
SELECT persons.__zh_row FROM persons

-- [forbidden_function] scalar function current_setting()
SELECT current_setting('allowed_paths') FROM persons

-- [forbidden_function] scalar function getvariable()
SELECT getvariable('x') FROM persons

-- [forbidden_function] scalar function getenv()
SELECT getenv('HOME') FROM persons

-- [forbidden_function] scalar function current_database()
SELECT current_database() FROM persons

-- [forbidden_function] scalar function current_schema()
SELECT current_schema() FROM persons

-- [forbidden_function] scalar function current_schemas()
SELECT current_schemas(true) FROM persons

-- [forbidden_function] scalar function current_catalog()
SELECT current_catalog() FROM persons

-- [forbidden_function] scalar function current_query()
SELECT current_query() FROM persons

-- [forbidden_function] scalar function version()
SELECT version() FROM persons

-- [forbidden_function] scalar function pg_typeof()
SELECT pg_typeof(1) FROM persons

-- [forbidden_function] scalar function txid_current()
SELECT txid_current() FROM persons

-- [forbidden_function] scalar function nextval()
SELECT nextval('s') FROM persons

-- [forbidden_function] scalar function currval()
SELECT currval('s') FROM persons

-- [forbidden_function] scalar function setseed()
SELECT setseed(0.5) FROM persons

-- [forbidden_function] scalar function random()
SELECT random() FROM persons

-- [forbidden_function] scalar function uuid()
SELECT uuid() FROM persons

-- [forbidden_function] scalar function gen_random_uuid()
SELECT gen_random_uuid() FROM persons

-- [forbidden_function] scalar function error()
SELECT error('x') FROM persons

-- [forbidden_function] scalar function enum_range()
SELECT enum_range(NULL::mood) FROM persons

-- [forbidden_function] scalar function format()
SELECT format('{}', name) FROM persons

-- [forbidden_function] scalar function printf()
SELECT printf('%0999999999d', 1) FROM persons

-- [forbidden_function] scalar function bar()
SELECT bar(1, 0, 1000000000, 1000000000) FROM persons

-- [forbidden_function] scalar function has_table_privilege()
SELECT has_table_privilege('persons', 'select') FROM persons

-- [forbidden_function] scalar function pg_get_viewdef()
SELECT pg_get_viewdef('persons') FROM persons

-- [forbidden_function] scalar function col_description()
SELECT col_description(1, 1) FROM persons

-- [forbidden_function] scalar function obj_description()
SELECT obj_description(1, 'pg_class') FROM persons

-- [forbidden_function] scalar function stats()
SELECT stats(name) FROM persons

-- [forbidden_function] scalar function alias()
SELECT alias(name) FROM persons

-- [forbidden_function] scalar function to_json()
SELECT to_json(persons) FROM persons

-- [forbidden_function] scalar function json_extract()
SELECT json_extract('{}', '$') FROM persons

-- [forbidden_function] scalar function read_text()
SELECT read_text('/etc/passwd') FROM persons

-- [forbidden_function] scalar function current_user()
SELECT current_user() FROM persons

-- [forbidden_function] scalar function session_user()
SELECT session_user() FROM persons

-- [forbidden_function] scalar function user()
SELECT user() FROM persons

-- [forbidden_function] scalar function duckdb_api()
SELECT duckdb_api() FROM persons

-- [forbidden_function] scalar function get_current_timestamp()
SELECT get_current_timestamp() FROM persons

-- [forbidden_function] scalar function typeof()
SELECT typeof(name) FROM persons

-- [forbidden_function] scalar function vector_type()
SELECT vector_type(name) FROM persons

-- [forbidden_function] scalar function constant_or_null()
SELECT constant_or_null(1, name) FROM persons

-- [forbidden_function] scalar function array_fill()
SELECT array_fill(1, 100000000) FROM persons

-- [forbidden_function] scalar function list_resize()
SELECT list_resize([1], 1000000000) FROM persons

-- [forbidden_function] scalar function __zh_token()
SELECT __zh_token('371122199001011234') FROM persons

-- [forbidden_function] scalar function __ZH_TOKEN()
SELECT __ZH_TOKEN(name) FROM persons

-- [forbidden_function] scalar function hash()
SELECT hash(name) FROM persons

-- [forbidden_function] scalar function md5_number()
SELECT md5_number(name) FROM persons

-- [forbidden_function] scalar function create_sort_key()
SELECT create_sort_key(name, 'ASC') FROM persons

-- [forbidden_function] scalar function in_search_path()
SELECT in_search_path('main', 'x') FROM persons

-- [forbidden_function] scalar function finalize()
SELECT finalize(name) FROM persons

-- [forbidden_function] scalar function combine()
SELECT combine(name, name) FROM persons

-- [forbidden_function] scalar function map()
SELECT map(['a'], [1]) FROM persons

-- [forbidden_function] scalar function list_transform()
SELECT list_transform([1], x -> x) FROM persons

-- [forbidden_function] scalar function list_filter()
SELECT list_filter([1], x -> true) FROM persons

-- [forbidden_function] scalar function list_reduce()
SELECT list_reduce([1], (a, b) -> a) FROM persons

-- [forbidden_function] scalar function array_to_string()
SELECT array_to_string([name], ',') FROM persons

-- [forbidden_function] scalar function parse_path()
SELECT parse_path('/etc/passwd') FROM persons

-- [forbidden_function] scalar function regexp_split_to_table()
SELECT regexp_split_to_table(name, '') FROM persons

-- [forbidden_function] scalar function string_split_regex()
SELECT string_split_regex(name, '') FROM persons

-- [forbidden_function] scalar function space()
SELECT space(1000000000) FROM persons

-- [forbidden_function] scalar function ascii_art()
SELECT ascii_art(name) FROM persons

-- [forbidden_function] scalar function ends_with_any()
SELECT ends_with_any(name) FROM persons

-- [forbidden_function] scalar function to_base64()
SELECT to_base64(name::BLOB) FROM persons

-- [forbidden_function] scalar function encode()
SELECT encode(name) FROM persons

-- [forbidden_function] scalar function decode()
SELECT decode(name::BLOB) FROM persons

-- [forbidden_function] current_setting in WHERE
SELECT name FROM persons WHERE current_setting('enable_external_access') = 'false'

-- [forbidden_function] getvariable in a CASE
SELECT CASE WHEN getvariable('k') IS NULL THEN 1 END FROM persons

-- [forbidden_function] the token function called on a candidate value
SELECT count(*) FROM households WHERE head_id = __zh_token('371122199001011234')

-- [forbidden_function] the token function under another case
SELECT __Zh_Token(id_number) FROM persons

-- [not_select|parse_error] not a SELECT: pragma
PRAGMA version

-- [not_select|parse_error] not a SELECT: pragma
PRAGMA database_list

-- [not_select|parse_error] not a SELECT: pragma
PRAGMA table_info('persons')

-- [not_select|parse_error] not a SELECT: pragma
PRAGMA enable_profiling

-- [not_select|parse_error] not a SELECT: set
SET enable_external_access = true

-- [not_select|parse_error] not a SELECT: set
SET lock_configuration = false

-- [not_select|parse_error] not a SELECT: set
SET allowed_paths = ['/']

-- [not_select|parse_error] not a SELECT: set
SET memory_limit = '100GB'

-- [not_select|parse_error] not a SELECT: set
SET threads = 64

-- [not_select|parse_error] not a SELECT: set
SET VARIABLE x = 1

-- [not_select|parse_error] not a SELECT: reset
RESET ALL

-- [not_select|parse_error] not a SELECT: reset
RESET threads

-- [not_select|parse_error] not a SELECT: attach
ATTACH '/var/lib/zhongshu/zhongshu.sqlite3' AS hub

-- [not_select|parse_error] not a SELECT: attach
ATTACH ':memory:' AS m

-- [not_select|parse_error] not a SELECT: detach
DETACH m

-- [not_select|parse_error] not a SELECT: use
USE memory

-- [not_select|parse_error] not a SELECT: copy
COPY persons TO '/tmp/persons.csv'

-- [not_select|parse_error] not a SELECT: copy
COPY (SELECT * FROM persons) TO '/tmp/p.parquet' (FORMAT parquet)

-- [not_select|parse_error] not a SELECT: copy
COPY persons FROM '/etc/passwd'

-- [not_select|parse_error] not a SELECT: export
EXPORT DATABASE '/tmp/dump'

-- [not_select|parse_error] not a SELECT: import
IMPORT DATABASE '/tmp/dump'

-- [not_select|parse_error] not a SELECT: install
INSTALL httpfs

-- [not_select|parse_error] not a SELECT: load
LOAD httpfs

-- [not_select|parse_error] not a SELECT: force
FORCE INSTALL sqlite

-- [not_select|parse_error] not a SELECT: install
INSTALL shellfs FROM community

-- [not_select|parse_error] not a SELECT: update
UPDATE EXTENSIONS

-- [not_select|parse_error] not a SELECT: create
CREATE TABLE t AS SELECT * FROM persons

-- [not_select|parse_error] not a SELECT: create
CREATE VIEW v AS SELECT * FROM read_csv('/etc/passwd')

-- [not_select|parse_error] not a SELECT: create
CREATE MACRO m(x) AS x

-- [not_select|parse_error] not a SELECT: create
CREATE SECRET (TYPE s3, KEY_ID 'a', SECRET 'b')

-- [not_select|parse_error] not a SELECT: create
CREATE SEQUENCE s

-- [not_select|parse_error] not a SELECT: create
CREATE TYPE mood AS ENUM ('a')

-- [not_select|parse_error] not a SELECT: create
CREATE TEMP TABLE t (x INT)

-- [not_select|parse_error] not a SELECT: drop
DROP VIEW persons

-- [not_select|parse_error] not a SELECT: drop
DROP SCHEMA __zh_src CASCADE

-- [not_select|parse_error] not a SELECT: insert
INSERT INTO persons VALUES (1)

-- [not_select|parse_error] not a SELECT: update
UPDATE persons SET name = 'x'

-- [not_select|parse_error] not a SELECT: delete
DELETE FROM persons

-- [not_select|parse_error] not a SELECT: alter
ALTER VIEW persons RENAME TO p

-- [not_select|parse_error] not a SELECT: call
CALL pragma_version()

-- [not_select|parse_error] not a SELECT: checkpoint
CHECKPOINT

-- [not_select|parse_error] not a SELECT: vacuum
VACUUM

-- [not_select|parse_error] not a SELECT: analyze
ANALYZE

-- [not_select|parse_error] not a SELECT: explain
EXPLAIN SELECT * FROM persons

-- [not_select|parse_error] not a SELECT: explain
EXPLAIN ANALYZE SELECT * FROM persons

-- [not_select|parse_error] not a SELECT: describe
DESCRIBE persons

-- [not_select|parse_error] not a SELECT: show
SHOW TABLES

-- [not_select|parse_error] not a SELECT: show
SHOW ALL TABLES

-- [not_select|parse_error] not a SELECT: summarize
SUMMARIZE persons

-- [not_select|parse_error] not a SELECT: pivot
PIVOT persons ON township USING count(*)

-- [not_select|parse_error] not a SELECT: unpivot
UNPIVOT persons ON name INTO NAME k VALUE v

-- [not_select|parse_error] not a SELECT: begin
BEGIN TRANSACTION

-- [not_select|parse_error] not a SELECT: commit
COMMIT

-- [not_select|parse_error] not a SELECT: rollback
ROLLBACK

-- [not_select|parse_error] not a SELECT: prepare
PREPARE q AS SELECT * FROM persons

-- [not_select|parse_error] not a SELECT: execute
EXECUTE q

-- [not_select|parse_error] not a SELECT: deallocate
DEALLOCATE q

-- [not_select|parse_error] not a SELECT: values
VALUES (1), (2)

-- [not_select|parse_error] not a SELECT: with
WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x

-- [not_select|parse_error] not a SELECT: with
WITH x AS (SELECT 1) DELETE FROM persons

-- [not_select|parse_error] not a SELECT: truncate
TRUNCATE persons

-- [not_select|parse_error] not a SELECT: load
LOAD '/tmp/evil.duckdb_extension'

-- [not_select|parse_error] not a SELECT: set
SET search_path = 'pg_catalog'

-- [not_select|parse_error] not a SELECT: set
SET file_search_path = '/'

-- [not_select|parse_error] not a SELECT: create
CREATE OR REPLACE FUNCTION f() AS 1

-- [not_select|parse_error] not a SELECT: comment
COMMENT ON TABLE persons IS 'x'

-- [not_select|parse_error] not a SELECT: merge
MERGE INTO persons USING households ON true WHEN MATCHED THEN DELETE

-- [too_many_statements] stacked statement after a SELECT: attach
SELECT * FROM persons; ATTACH '/var/lib/zhongshu/zhongshu.sqlite3' AS hub

-- [too_many_statements] stacked statement after a SELECT: set
SELECT * FROM persons; SET enable_external_access = true

-- [too_many_statements] stacked statement after a SELECT: copy
SELECT * FROM persons; COPY persons TO '/tmp/x.csv'

-- [too_many_statements] stacked statement after a SELECT: pragma
SELECT * FROM persons; PRAGMA version

-- [too_many_statements] stacked statement after a SELECT: install
SELECT * FROM persons; INSTALL httpfs

-- [too_many_statements] stacked statement after a SELECT: select
SELECT * FROM persons; SELECT * FROM read_csv('/etc/passwd')

-- [too_many_statements] stacked statement after a SELECT: drop
SELECT * FROM persons; DROP VIEW persons

-- [too_many_statements] stacked statement after a SELECT: select
SELECT * FROM persons; SELECT 2

-- [too_many_statements] stacked statement after a SELECT: create
SELECT * FROM persons; CREATE TABLE t AS SELECT 1

-- [too_many_statements] stacked statement after a SELECT: set
SELECT * FROM persons; SET lock_configuration = false

-- [too_many_statements] stacked statement hidden after a comment
SELECT 1 /* harmless */; PRAGMA version

-- [too_many_statements] stacked statement after a line comment
SELECT 1 -- first
; INSTALL httpfs

-- [too_many_statements] stacked statement before the SELECT
SET enable_external_access = true; SELECT 1

-- [too_many_statements] two SELECTs
SELECT id_number FROM persons; SELECT name FROM persons

-- [too_many_statements] three statements
SELECT 1; SELECT 2; SELECT 3

-- [too_many_statements] stacked after a string containing a semicolon
SELECT ';' AS s; ATTACH 'x' AS y

-- [too_many_statements] a statement hidden behind a closed comment
SELECT 1 /* ; */ ; ATTACH 'x.db'

-- [parse_error] an unclosed comment swallowing the rest
SELECT 1 /* ; ATTACH 'x.db'

-- [forbidden_function] a comment between a reader's name and its arguments
SELECT * FROM read_csv/**/('/etc/passwd')

-- [forbidden_function] a line comment between a reader's name and its arguments
SELECT * FROM read_csv -- x
('/etc/passwd')

-- [forbidden_function] a comment inside the argument list
SELECT * FROM read_csv(/* x */ '/etc/passwd')

-- [forbidden_function] an optimizer-hint style comment before a reader
SELECT /*+ read_csv('/etc/passwd') */ * FROM read_csv('/etc/passwd')

-- [unknown_table] a comment splitting a quoted table name stays inside the name
SELECT * FROM "per/**/sons"

-- [not_select|parse_error] a comment before a PRAGMA
/* SELECT */ PRAGMA version

-- [not_select|parse_error] a line comment before an ATTACH
-- SELECT
ATTACH 'x.db' AS y

-- [too_many_statements] nested block comments hiding a second statement
SELECT 1 /* /* nested */ */; PRAGMA version

-- [forbidden_function] a comment inside a function name's quotes
SELECT * FROM "read_csv"('/etc/passwd')

-- [forbidden_function] quoted reader name
SELECT * FROM "read_parquet"('/etc/passwd')

-- [forbidden_function] upper-case reader name
SELECT * FROM READ_CSV('/etc/passwd')

-- [forbidden_function] mixed-case reader name
SELECT * FROM ReAd_CsV('/etc/passwd')

-- [forbidden_function] quoted query_table
SELECT * FROM "query_table"('persons')

-- [forbidden_node] escape string literal
SELECT E'\x27' FROM persons

-- [forbidden_node|parse_error] hex string literal
SELECT x'2f6574632f706173737764' FROM persons

-- [forbidden_node|parse_error] bit string literal
SELECT b'0101' FROM persons

-- [parse_error] an unterminated string
SELECT 'abc FROM persons

-- [parse_error] an unterminated quoted identifier
SELECT "abc FROM persons

-- [unknown_table] a table name that is a quoted path
SELECT * FROM "/etc/passwd"

-- [unknown_table] a table name with a quote inside
SELECT * FROM "per""sons"

-- [too_many_statements] a string closed early to stack a statement
SELECT * FROM persons WHERE name = ''; ATTACH 'x' AS y; --'

-- [forbidden_node] dollar-quoted string
SELECT $$abc$$ FROM persons

-- [parse_error] full-width SELECT keyword
ＳＥＬＥＣＴ * FROM persons

-- [forbidden_function] full-width reader name
SELECT * FROM ｒｅａｄ_ｃｓｖ('/etc/passwd')

-- [forbidden_function] Cyrillic e in a reader name
SELECT * FROM rеad_csv('/etc/passwd')

-- [forbidden_function] Greek omicron in query_table
SELECT * FROM query_tablе('persons')

-- [unknown_table] Cyrillic o in a granted table name
SELECT * FROM persоns

-- [unknown_table] Cyrillic a in a granted table name
SELECT * FROM hаouseholds

-- [forbidden_function] (escaped) zero-width space inside a reader name
SELECT * FROM read\u200b_csv('/etc/passwd')

-- [unknown_table] (escaped) zero-width joiner inside a table name
SELECT * FROM pers\u200dons

-- [forbidden_function] (escaped) right-to-left override in a function name
SELECT * FROM \u202eread_csv('/etc/passwd')

-- [unknown_table] (escaped) combining mark on a table name
SELECT * FROM perso\u0301ns

-- [parse_error] full-width semicolon to stack a statement
SELECT 1；ATTACH 'x' AS y

-- [parse_error] full-width parentheses around a reader's arguments
SELECT * FROM read_csv（'/etc/passwd'）

-- [parse_error] (escaped) NUL byte between statements
SELECT 1\x00; ATTACH 'x' AS y

-- [parse_error] (escaped) NUL byte inside a string
SELECT 'a\x00b' FROM persons

-- [parse_error] (escaped) escape character in the query
SELECT 1 \x1b[2J FROM persons

-- [parse_error] (escaped) backspace characters hiding text
SELECT * FROM persons\x08\x08\x08

-- [parse_error] (escaped) vertical tab as whitespace
SELECT\x0b* FROM read_csv('/etc/passwd')

-- [parse_error] (escaped) form feed as whitespace
SELECT\x0c* FROM read_csv('/etc/passwd')

-- [parse_error] (escaped) a lone surrogate
SELECT '\ud800' FROM persons

-- [forbidden_function] (escaped) byte order mark before a reader
SELECT * FROM \ufeffread_csv('/etc/passwd')

-- [forbidden_function] homoglyph quotes do not close a string
SELECT * FROM read_csv(’/etc/passwd’)

-- [unknown_table] full-width letters in a table name
SELECT * FROM ｐｅｒｓｏｎｓ

-- [unknown_table] Latin small capital in a table name
SELECT * FROM ᴘersons

-- [bounded_argument] repeat() with a huge count
SELECT repeat('x', 2000000000)

-- [bounded_argument] repeat() with a float count
SELECT repeat('x', 2e9)

-- [bounded_argument] repeat() with a computed count
SELECT repeat('x', 1000 * 1000 * 1000)

-- [bounded_argument] repeat() with a column count
SELECT repeat(name, age * 1000000) FROM persons

-- [bounded_argument] repeat() with a subquery count
SELECT repeat('x', (SELECT count(*) FROM persons) * 100000)

-- [bounded_argument] repeat() nested in repeat()
SELECT repeat(repeat('x', 1000), 1000)

-- [bounded_argument] repeat() nested through concat
SELECT repeat(concat('a', repeat('x', 1000)), 1000)

-- [bounded_argument] repeat() just over the bound
SELECT repeat(name, 1001) FROM persons

-- [bounded_argument] lpad() to a huge width
SELECT lpad(name, 2000000000, 'x') FROM persons

-- [bounded_argument] rpad() to a huge width
SELECT rpad(name, 100000000, 'x') FROM persons

-- [bounded_argument] lpad() with a computed width
SELECT lpad(name, age * age * age, 'x') FROM persons

-- [bounded_argument] rpad() nested in lpad()
SELECT lpad(rpad(name, 1000, 'x'), 1000, 'y') FROM persons

-- [bounded_argument] repeat() with a negative count written as an expression
SELECT repeat('x', -1)

-- [recursive_cte] recursive CTE counting to a billion
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 1000000000) SELECT count(*) FROM r

-- [recursive_cte] recursive CTE without a stop
WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n FROM r) SELECT * FROM r

-- [recursive_cte] recursive CTE doubling strings
WITH RECURSIVE r(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM r) SELECT max(length(s)) FROM r

-- [recursive_cte] recursive CTE over a granted table
WITH RECURSIVE r AS (SELECT id_number FROM persons UNION ALL SELECT id_number FROM r) SELECT count(*) FROM r

-- [recursive_cte] recursive CTE nested in a subquery
SELECT * FROM (WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r) SELECT * FROM r) q

-- [recursive_cte] recursive CTE with USING KEY
WITH RECURSIVE r(n) USING KEY (n) AS (SELECT 1 UNION SELECT n + 1 FROM r) SELECT * FROM r

-- [too_large] a string literal of 5000 characters
SELECT 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' FROM persons

-- [too_large] a number literal of 100 digits
SELECT 9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999 FROM persons

-- [too_large] a name of 300 characters
SELECT name AS aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa FROM persons

-- [too_large] parentheses nested 400 deep
SELECT ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))

-- [too_large] CASE nested 200 deep
SELECT CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN CASE WHEN age > 1 THEN 1 END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END END FROM persons

-- [placeholder] positional placeholder
SELECT * FROM persons WHERE id_number = ?

-- [placeholder] numbered placeholder
SELECT * FROM persons WHERE id_number = $1

-- [placeholder] named placeholder
SELECT * FROM persons WHERE name = $name

-- [placeholder] placeholder in LIMIT
SELECT * FROM persons LIMIT ?

-- [placeholder|parse_error] placeholder cast
SELECT ?::INTEGER

-- [placeholder] placeholder in a function
SELECT repeat('x', ?)

-- [placeholder] placeholder in a subquery
SELECT * FROM persons WHERE age > (SELECT $2)

-- [parse_error|placeholder] colon placeholder
SELECT * FROM persons WHERE name = :name

-- [forbidden_node] PIVOT in FROM
SELECT * FROM persons PIVOT (count(*) FOR township IN ('城阳街道'))

-- [forbidden_node] UNPIVOT in FROM
SELECT * FROM persons UNPIVOT (v FOR k IN (name, phone))

-- [forbidden_node] LATERAL subquery
SELECT * FROM persons p, LATERAL (SELECT p.name) q

-- [forbidden_node] USING SAMPLE
SELECT * FROM persons USING SAMPLE 10%

-- [forbidden_node] TABLESAMPLE
SELECT * FROM persons TABLESAMPLE (10 ROWS)

-- [forbidden_function] lambda in a list function
SELECT list_transform([1, 2], x -> x + 1)

-- [forbidden_function] JSON arrow (parsed as json_extract)
SELECT name -> '$.a' FROM persons

-- [forbidden_function] JSON double arrow (parsed as json_extract_scalar)
SELECT name ->> '$.a' FROM persons

-- [forbidden_function] COLUMNS() star expression
SELECT COLUMNS('.*') FROM persons

-- [forbidden_function] COLUMNS() with a lambda
SELECT COLUMNS(c -> c LIKE 'id%') FROM persons

-- [forbidden_node] SELECT INTO a table
SELECT * INTO t FROM persons

-- [forbidden_node] FOR UPDATE lock
SELECT * FROM persons FOR UPDATE

-- [forbidden_node] cast to a user-defined type
SELECT name::mood FROM persons

-- [forbidden_node] cast to a struct
SELECT CAST(name AS STRUCT(a VARCHAR)) FROM persons

-- [forbidden_node] cast to a map
SELECT CAST(name AS MAP(VARCHAR, VARCHAR)) FROM persons

-- [forbidden_node] cast to a list
SELECT name::VARCHAR[] FROM persons

-- [forbidden_node] cast to JSON
SELECT name::JSON FROM persons

-- [forbidden_node] cast to BLOB
SELECT name::BLOB FROM persons

-- [forbidden_node] cast to a union
SELECT name::UNION(a VARCHAR) FROM persons

-- [forbidden_function] COLLATE
SELECT name COLLATE nocase FROM persons

-- [forbidden_node] SIMILAR TO
SELECT * FROM persons WHERE name SIMILAR TO '张.*'

-- [forbidden_node] GLOB operator
SELECT * FROM persons WHERE name GLOB '张*'

-- [forbidden_node] LIMIT with a subquery
SELECT * FROM persons LIMIT (SELECT count(*) FROM persons)

-- [forbidden_node] LIMIT with a percentage
SELECT * FROM persons LIMIT 10%

-- [forbidden_node] LIMIT with a negative number
SELECT * FROM persons LIMIT -1

-- [forbidden_node] OFFSET with a subquery
SELECT * FROM persons OFFSET (SELECT 1)

-- [forbidden_node] LIMIT with an expression
SELECT * FROM persons LIMIT 10 * 1000000

-- [forbidden_node] list comprehension
SELECT [x FOR x IN [1, 2]]

-- [forbidden_node] FETCH FIRST
SELECT * FROM persons FETCH FIRST 10 ROWS ONLY

-- [forbidden_node] table function in a lateral join written as a join
SELECT * FROM persons p JOIN LATERAL (SELECT 1) q ON true

-- [forbidden_node|parse_error] MATCH_RECOGNIZE
SELECT * FROM persons MATCH_RECOGNIZE (ORDER BY age PATTERN (a) DEFINE a AS true)

-- [forbidden_node] time travel clause
SELECT * FROM persons AT (VERSION => 1)

-- [forbidden_node] a subscript slice on a struct of the catalog
SELECT (SELECT 1)[1:2]::JSON
