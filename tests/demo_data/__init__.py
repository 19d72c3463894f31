"""The demo data against the public documents it transcribes.

demo/demo_data/ holds transcriptions of the source documents in shared/seeds/ (see its README). These tests read
the seeds at test time, parse them independently of the YAML, and compare them with what load_demo() puts in the
database, so that a transcription error (a wrong, missing or extra word, a wrong timescale or lead, a lost
citation) fails here. The readers are modules by source document (text.py has what they share: where the seeds
are and the text helpers); conftest.py loads the demo; the tests are modules by subject:

- test_plan_2018_19: the 2018-19 plan (seed 004), and both plans' introduction and local context;
- test_reviews: the 2018 Peer Review (seed 004) and the 2016 scrutiny review (seed 003);
- test_plan_2017_18: the 2017-18 plan (seed 002);
- test_example_borough_and_accounts: the fictional council, the demo accounts, loading the demo again;
- test_silences: where the documents say nothing or contradict themselves.

The seeds live beside the clone (../shared/seeds). A newcomer's clone on its own has no seeds: there these
comparisons skip, saying why, so that a first `make test` is green; under CI (CI=true) a missing seed fails, so the
comparison can never be skipped where it must run.
"""
