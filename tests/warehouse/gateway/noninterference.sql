-- Hand-written non-interference attacks. Each must give the same result (or the same error) on
-- warehouses that differ only in masked-away characters (a/b) and only in rows the row filter
-- removes (a/c). One block per statement: `-- what it tries`, then the statement; blank lines
-- between blocks. test_noninterference.py adds several hundred generated ones.

-- binary search on the 7th character of ID numbers (the first masked one)
SELECT count(*) FROM persons WHERE id_number >= '3711221' AND id_number < '3711225'

-- the smallest and largest ID numbers, compared as text
SELECT min(id_number), max(id_number) FROM persons

-- ID numbers sorted: the order would reveal the hidden digits
SELECT id_number, name FROM persons ORDER BY id_number, name, phone LIMIT 20

-- a row number over ID numbers, joined back to a clear column
SELECT township, age, row_number() OVER (ORDER BY id_number, township, age, income) AS r FROM persons ORDER BY r LIMIT 30

-- rank by phone within each township
SELECT township, rank() OVER (PARTITION BY township ORDER BY phone) AS r, count(*) OVER () AS n FROM persons ORDER BY 1, 2 LIMIT 40

-- lag/lead over the masked name: neighbours in masked order only
SELECT name, lag(name) OVER (ORDER BY name, income) AS prev, lead(phone) OVER (ORDER BY name, income) AS next FROM persons ORDER BY income LIMIT 25

-- a CTE used twice: self-join on the masked ID
WITH c AS (SELECT id_number, name, age FROM persons WHERE age > 30) SELECT count(*) FROM c a JOIN c b ON a.id_number = b.id_number AND a.name < b.name

-- a CTE used twice with a range condition between the copies
WITH c AS (SELECT id_number, phone FROM persons) SELECT count(*) FROM c a, c b WHERE a.id_number < b.id_number AND a.phone = b.phone

-- UNION with a candidate ID number: duplicates would collapse if it matched
SELECT count(*) FROM (SELECT id_number FROM persons UNION SELECT '371122194005011234') q

-- INTERSECT with candidate values
SELECT count(*) FROM (SELECT name FROM persons INTERSECT SELECT name FROM (VALUES ('王伟'), ('李芳'), ('张*'), ('王*')) v(name)) q

-- EXCEPT of the masked phone against itself shifted
SELECT count(*) FROM (SELECT phone FROM persons EXCEPT SELECT substr(phone, 1, 3) || '****' || substr(phone, 8) FROM persons) q

-- division by zero keyed on a hidden digit
SELECT sum(1 / (CASE WHEN substr(id_number, 9, 1) = '5' THEN 0 ELSE 1 END)) FROM persons

-- integer division by zero keyed on a hidden phone digit
SELECT sum(10 // (CASE WHEN substr(phone, 5, 1) IN ('0', '1', '2') THEN 0 ELSE 1 END)) FROM persons

-- modulo by zero keyed on the given name
SELECT sum(age % (CASE WHEN substr(name, 2, 1) = '伟' THEN 0 ELSE 7 END)) FROM persons

-- a cast error only when a hidden digit is 3
SELECT count(*) FROM persons WHERE CAST(CASE WHEN substr(id_number, 10, 1) = '3' THEN 'x' ELSE '1' END AS INTEGER) = 1

-- cast the masked middle of the phone number to an integer
SELECT count(*) FROM persons WHERE CAST(substr(phone, 4, 4) AS INTEGER) > 5000

-- try_cast of the masked middle digits: NULL everywhere, or not
SELECT count(try_cast(substr(id_number, 7, 8) AS INTEGER)) FROM persons

-- the masked birth date cast back to a date
SELECT count(*) FROM persons WHERE CAST(birth_date AS DATE) > DATE '1980-06-01'

-- strptime on the masked birth date (an error oracle on the format)
SELECT count(*) FROM persons WHERE strptime(birth_date, '%Y-%m-%d') IS NOT NULL

-- overflow oracle on hidden rows: a huge age times a billion overflows BIGINT
SELECT count(*) FROM persons WHERE age * 1000000000 > 0

-- overflow oracle through a sum of squares
SELECT sum(age * age * age * age * age) FROM persons

-- a cast error when a hidden row's age is exactly 999
SELECT count(*) FROM persons WHERE CAST(CASE WHEN age = 999 THEN 'x' ELSE '1' END AS INTEGER) = 1

-- a cast error when a hidden row's name is a digit
SELECT count(*) FROM persons WHERE age < 1000 AND CAST(CASE WHEN name = '1' THEN 'x' ELSE '2' END AS INTEGER) = 2

-- ask for the filtered township directly
SELECT count(*), sum(income) FROM persons WHERE township = '库山乡'

-- ask for the rows the age filter removes
SELECT count(*) FROM persons WHERE age >= 150

-- extremes that a hidden row would move
SELECT min(age), max(age), min(income), max(income), avg(income) FROM persons

-- counts per township, including the filtered one
SELECT township, count(*), sum(age) FROM persons GROUP BY township ORDER BY township

-- a join from households to persons: households of hidden people find nobody
SELECT count(*) FROM households h LEFT JOIN persons p ON p.household_id = h.household_id WHERE p.household_id IS NULL

-- join on the household id and sum incomes per household size
SELECT h.size, count(*), round(sum(p.income), 2) FROM persons p JOIN households h ON p.household_id = h.household_id GROUP BY h.size ORDER BY h.size

-- the token of the household head against masked person IDs
SELECT count(*) FROM households h JOIN persons p ON h.head_id = p.id_number

-- tokens are stable: count distinct heads
SELECT count(DISTINCT head_id), min(length(head_id)), max(length(head_id)) FROM households

-- a scalar subquery over persons inside a households query
SELECT household_id, (SELECT count(*) FROM persons p WHERE p.household_id = h.household_id) AS n FROM households h ORDER BY household_id LIMIT 20

-- EXISTS keyed on a masked prefix
SELECT count(*) FROM households h WHERE EXISTS (SELECT 1 FROM persons p WHERE p.household_id = h.household_id AND p.id_number LIKE '37112219%')

-- NOT IN with NULLs: a hidden NULL would empty the result
SELECT count(*) FROM households WHERE household_id NOT IN (SELECT household_id FROM persons)

-- length and position probes on masked values
SELECT length(id_number), length(name), length(phone), strpos(phone, '*'), count(*) FROM persons GROUP BY ALL ORDER BY ALL

-- unicode code points of the masked given name
SELECT unicode(substr(name, 2, 1)) AS c, count(*) FROM persons GROUP BY c ORDER BY c

-- a hash of the masked value does not reveal the clear value
SELECT md5(id_number) AS h, count(*) FROM persons GROUP BY h ORDER BY 2 DESC, 1 LIMIT 5

-- regexp on the hidden digits of the bank card
SELECT count(*) FROM persons WHERE regexp_matches(bank_card, '^6222')

-- the hidden note: equality against candidates
SELECT count(*) FROM persons WHERE note IN ('低保', '残疾', '独居老人', '退役军人', '困难')

-- the masked address: everything below the township is hidden
SELECT address, count(*) FROM persons GROUP BY address ORDER BY address

-- QUALIFY on a window over masked values
SELECT name, phone FROM persons QUALIFY row_number() OVER (PARTITION BY name ORDER BY phone, income) = 1 ORDER BY name, phone

-- HAVING with a masked aggregate
SELECT substr(id_number, 1, 10) AS p, count(*) FROM persons GROUP BY p HAVING max(id_number) > '3711221990' ORDER BY p

-- COUNT DISTINCT of masked values per township
SELECT township, count(DISTINCT id_number), count(DISTINCT name), count(DISTINCT phone) FROM persons GROUP BY township ORDER BY township

-- a percentile of the masked birth year
SELECT quantile_disc(CAST(birth_date AS INTEGER), 0.5) FROM persons

-- struct access to the whole masked row
SELECT persons FROM persons ORDER BY income LIMIT 5

-- star expansion with EXCLUDE keeps only masked values
SELECT * EXCLUDE (income) FROM persons ORDER BY age, id_number, name, phone LIMIT 10

-- a deliberately failing binder error with a candidate literal in it
SELECT count(*) FROM persons WHERE no_such_column = '371122194005011234'

-- ORDER BY a masked expression with a LIMIT that splits ties
SELECT age FROM persons ORDER BY id_number DESC, age LIMIT 7

-- string_agg in masked order
SELECT township, string_agg(name, ',' ORDER BY name, income) FROM persons GROUP BY township ORDER BY township

-- arg_max over masked values
SELECT arg_max(income, id_number), arg_min(age, phone) FROM persons

-- a LIKE with an escape on the masked phone
SELECT count(*) FROM persons WHERE phone LIKE '13_\*%' ESCAPE '\'

-- ILIKE on the masked address tail
SELECT count(*) FROM persons WHERE address ILIKE '%村%'

-- greatest/least across masked and clear columns
SELECT greatest(id_number, phone), least(name, township) FROM persons ORDER BY 1, 2 LIMIT 10

-- date arithmetic on the clear age combined with the masked birth year
SELECT count(*) FROM persons WHERE CAST(birth_date AS INTEGER) + age <> 2026
