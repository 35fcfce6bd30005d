-- The compatibility view `users` returns exactly the rows of app_users (seed 004: legacy reads keep working).
(SELECT * FROM users EXCEPT ALL SELECT * FROM app_users)
UNION ALL
(SELECT * FROM app_users EXCEPT ALL SELECT * FROM users);
