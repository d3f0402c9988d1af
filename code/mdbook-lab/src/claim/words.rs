//! A claim's check in a reader's words. The check is written with keys (`vs_one_wait`,
//! `at tasks = 10000`) so that it can be read by the judge; the page names the same things as
//! the results contract names them: "time as a multiple of one wait of tokio is at most 1.20×
//! for 10,000 waits at once".

use anyhow::Result;
use lab_results::{Experiment, Results};

use super::{Bound, Claim, Scope, Value, find};
use crate::format::{self, Kind};
use crate::naming::{kind_of, metric_name, point_phrase};

impl Claim {
    /// The check in words, from the names and phrases of the experiment it reads.
    pub(crate) fn in_words(&self, results: &Results) -> Result<String> {
        let experiment = find(results, &self.experiment)?;
        let subject = format!(
            "{} of {}",
            metric_name(experiment, &self.metric),
            self.strategy
        );
        let bound = match self.bound {
            Bound::AtMost => "is at most".to_string(),
            Bound::AtLeast => "is at least".to_string(),
            Bound::Within(share) => format!("is within {} of", format::one(share, Kind::Percent)),
        };
        let value = self.value_in_words(experiment);
        let scope = match &self.scope {
            Scope::EveryPoint => "at every point".to_string(),
            Scope::At { x, .. } => point_phrase(experiment, *x),
        };
        Ok(format!("{subject} {bound} {value} {scope}"))
    }

    fn value_in_words(&self, experiment: &Experiment) -> String {
        match &self.value {
            Value::Number(n) => format::one(*n, kind_of(experiment, &self.metric)),
            Value::CeilingShare(share) => {
                format!("{} of the ceiling", format::one(*share, Kind::Percent))
            }
            Value::Amdahl => "Amdahl's prediction".to_string(),
            Value::Other {
                strategy,
                metric,
                experiment: other,
            } => {
                let place = other
                    .as_ref()
                    .map_or(String::new(), |id| format!(" in {id}"));
                format!("{} of {strategy}{place}", metric_name(experiment, metric))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use lab_results::fixture;

    use super::*;

    fn results() -> Results {
        let tokio = fixture::with_extra(
            fixture::uniform("tokio", 1, 10_000, 1.1),
            "vs_one_wait",
            1.1,
        );
        let mut e = fixture::experiment(vec![tokio, fixture::uniform("threads", 1, 10_000, 2.0)]);
        e.x = "tasks".into();
        e.x_phrase = "for {} wait{s} at once".into();
        e.baseline = None;
        fixture::declare(&mut e, "vs_one_wait", "time as a multiple of one wait", "×");
        fixture::results(vec![("many-waits", e)])
    }

    fn words(check: &str) -> String {
        Claim::parse(check).unwrap().in_words(&results()).unwrap()
    }

    #[test]
    fn keys_become_the_names_and_phrases_of_the_results() {
        assert_eq!(
            words("many-waits: tokio vs_one_wait is at most 1.2 at tasks = 10000"),
            "time as a multiple of one wait of tokio is at most 1.20× for 10,000 waits at once"
        );
        assert_eq!(
            words("many-waits: tokio median is within 10% of threads median at every point"),
            "median time of tokio is within 10% of median time of threads at every point"
        );
    }

    #[test]
    fn a_sentence_after_the_bar_is_the_readers() {
        let claim =
            Claim::parse("many-waits: tokio median is at most 2 s at tasks = 10000 | Tasks wait")
                .unwrap();
        assert_eq!(claim.sentence.as_deref(), Some("Tasks wait"));
        assert_eq!(
            claim.statement,
            "tokio median is at most 2 s at tasks = 10000"
        );
        let empty = Claim::parse("many-waits: tokio median is at most 2 s at tasks = 1 | ");
        assert!(empty.is_err(), "an empty sentence is a mistake");
    }
}
