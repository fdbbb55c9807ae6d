/* Draws every chart of a report page from the Vega-Lite spec embedded beside it, with vega-embed and the options
   in #chart-options (SVG, no actions menu, German number formats). When all are drawn, <html> gets
   data-charts-ready="true" ("error" if one failed): the tests and the PDF printing wait for it. */
(function () {
  "use strict";
  var options = JSON.parse(document.getElementById("chart-options").textContent);
  var drawn = Array.prototype.map.call(document.querySelectorAll("script.chart-spec"), function (spec) {
    return vegaEmbed(document.getElementById(spec.dataset.view), JSON.parse(spec.textContent), options);
  });
  Promise.all(drawn).then(function () {
    document.documentElement.dataset.chartsReady = "true";
  }, function (error) {
    console.error("chart not drawn:", error);
    document.documentElement.dataset.chartsReady = "error";
  });
})();
