"""Collecting vacancies with Scrapy: spiders navigate, parsers read pages, pipelines store."""
