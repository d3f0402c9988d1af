// Timelines recorded at several values (switch intervals, worker counts): show the picture of
// the value chosen with the radio buttons, hide the others. Without this script every picture
// shows, one under another: each is a recording, so none is lost.
(function () {
    'use strict';

    function show(figure) {
        var chosen = figure.querySelector('.lab-timeline-switch input:checked');
        if (!chosen) {
            return;
        }
        figure.querySelectorAll('.lab-timeline-picture').forEach(function (picture) {
            picture.hidden = picture.dataset.x !== chosen.value;
        });
        // The picture now shown may scroll sideways on a narrow screen: let lab-a11y.js look.
        window.dispatchEvent(new Event('resize'));
    }

    document.querySelectorAll('figure.lab-timeline').forEach(function (figure) {
        figure.querySelectorAll('.lab-timeline-switch input').forEach(function (input) {
            input.addEventListener('change', function () {
                show(figure);
            });
        });
        show(figure);
    });
})();
