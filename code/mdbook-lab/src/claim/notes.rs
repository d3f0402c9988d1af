//! Claims shown compactly in a table (`{{#claim compact …}}`) keep only their mark and their
//! figure in the cell; the whole claim, sentence and figures, waits here for the
//! `{{#claim-notes}}` under the table, which lists them, each at the anchor its cell links to.
//! A chapter that leaves some waiting has forgotten the notes, and stops the build.

use std::cell::{Cell, RefCell};
use std::fmt::Write;

use anyhow::{Result, bail};

use crate::registry::Directive;

/// The compact claims of the chapter being rendered, waiting for their notes.
#[derive(Debug, Default)]
pub(crate) struct Notes {
    waiting: RefCell<Vec<(String, String)>>,
    /// Notes made in this chapter, so that each anchor is unique on its page.
    made: Cell<usize>,
}

impl Notes {
    /// Keeps `claim` (its whole HTML) for the next notes, and returns the anchor it will
    /// have there.
    pub(crate) fn defer(&self, claim: String) -> String {
        let n = self.made.get() + 1;
        self.made.set(n);
        let anchor = format!("claim-note-{n}");
        self.waiting.borrow_mut().push((anchor.clone(), claim));
        anchor
    }

    /// Starts a chapter: nothing waits, and anchors count from one again.
    pub(crate) fn start_chapter(&self) {
        self.waiting.borrow_mut().clear();
        self.made.set(0);
    }

    /// Ends a chapter: an error if some compact claim never got its note.
    pub(crate) fn end_chapter(&self) -> Result<()> {
        let waiting = self.waiting.borrow().len();
        if waiting > 0 {
            bail!(
                "{waiting} compact claim(s) have no `{{{{#claim-notes}}}}` after them; put one \
                 under their table, where their whole sentences and figures go"
            );
        }
        Ok(())
    }

    /// The notes for every claim waiting, in the order they appeared, and none left waiting.
    fn take(&self) -> Result<String> {
        let waiting = std::mem::take(&mut *self.waiting.borrow_mut());
        if waiting.is_empty() {
            bail!(
                "`{{{{#claim-notes}}}}` has no compact claim before it; write the claims as \
                 `{{{{#claim compact ID: …}}}}`, or remove it"
            );
        }
        let mut html = String::from("<ol class=\"lab-claim-notes\">");
        for (anchor, claim) in waiting {
            let _ = write!(html, "<li id=\"{anchor}\">{claim}</li>");
        }
        html.push_str("</ol>");
        Ok(html)
    }
}

/// `{{#claim-notes}}`, as the registry lists it.
pub(crate) const DIRECTIVE: Directive = Directive {
    name: "claim-notes",
    usage: "{{#claim-notes}}",
    becomes: "under a table of compact claims, each of those claims in full, \
              where its cell links",
    render: |lab, argument| {
        if !argument.is_empty() {
            bail!("{{{{#claim-notes}}}} takes no argument; remove `{argument}`");
        }
        lab.claim_notes().take()
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deferred_claims_come_out_in_order_at_the_anchors_their_cells_link_to() {
        let notes = Notes::default();
        notes.start_chapter();
        assert_eq!(notes.defer("<span>first</span>".into()), "claim-note-1");
        assert_eq!(notes.defer("<span>second</span>".into()), "claim-note-2");
        assert!(
            notes.end_chapter().is_err(),
            "waiting claims stop the build"
        );
        assert_eq!(
            notes.take().unwrap(),
            "<ol class=\"lab-claim-notes\"><li id=\"claim-note-1\"><span>first</span></li>\
             <li id=\"claim-note-2\"><span>second</span></li></ol>"
        );
        assert!(notes.end_chapter().is_ok());
        assert!(
            notes.take().is_err(),
            "notes with nothing before them are a mistake"
        );
        notes.start_chapter();
        assert_eq!(
            notes.defer(String::new()),
            "claim-note-1",
            "a new page counts again"
        );
    }
}
