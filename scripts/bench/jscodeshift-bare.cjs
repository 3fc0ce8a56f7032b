// jscodeshift's runner alone: read each file, call a transform that does not even parse, write
// nothing. Reported beside the parse-and-print floor to show what the runner itself costs.
module.exports = function bareTransform() {
  return undefined;
};
