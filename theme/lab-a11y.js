// What mdBook's stock pages lack for keyboard and screen-reader users, added after load
// rather than by overriding its templates, which would then have to follow every release.
(function () {
    'use strict';

    // The sidebar toggle is a <label> for a hidden checkbox: a label may not carry
    // aria-expanded, and cannot take focus. As a button it may, and Enter and Space toggle it
    // as they would a button (a click on the label toggles the checkbox).
    var toggle = document.getElementById('mdbook-sidebar-toggle');
    if (toggle) {
        toggle.setAttribute('role', 'button');
        toggle.tabIndex = 0;
        toggle.addEventListener('keydown', function (event) {
            if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                toggle.click();
            }
        });
    }

    // A code block, table, chart or timeline that scrolls sideways must be reachable by
    // keyboard, or a reader without a pointer cannot see its right-hand part. Only those that
    // scroll get a tab stop, and the set is checked again when the window changes size (and
    // when a timeline's switch shows another picture). Each is a region named by its kind and
    // place, since a page's landmarks need distinct names.
    var SCROLLERS = 'pre > code, .table-wrapper, .lab-chart, .lab-timeline-picture';

    function kindOf(el) {
        if (el.tagName === 'CODE') return 'Code block';
        if (el.classList.contains('lab-chart')) return 'Chart';
        if (el.classList.contains('lab-timeline-picture')) return 'Timeline';
        return 'Table';
    }

    function markScrollers() {
        var counts = {};
        document.querySelectorAll(SCROLLERS).forEach(function (el) {
            var scrolls = el.scrollWidth > el.clientWidth + 1;
            if (scrolls) {
                var kind = kindOf(el);
                counts[kind] = (counts[kind] || 0) + 1;
                el.setAttribute('data-lab-scrolls', '');
                el.tabIndex = 0;
                el.setAttribute('role', 'region');
                el.setAttribute('aria-label', kind + ' ' + counts[kind] + ', scrolls sideways');
            } else if (el.hasAttribute('data-lab-scrolls')) {
                el.removeAttribute('data-lab-scrolls');
                el.removeAttribute('tabindex');
                el.removeAttribute('role');
                el.removeAttribute('aria-label');
            }
        });
    }
    markScrollers();
    var pending = null;
    window.addEventListener('resize', function () {
        clearTimeout(pending);
        pending = setTimeout(markScrollers, 100);
    });
})();
