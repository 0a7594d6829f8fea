"""Reading demands from vacancies, judging them against a profile, and ranking them."""
