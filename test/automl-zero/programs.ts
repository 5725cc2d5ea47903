/** Hand-written gradient-descent linear regression (learning rate 0.2), shared by the automl-zero tests. */
export const GD = `def Setup():
  s2 = 0.2
def Predict():
  s1 = dot(v0, v1)
def Learn():
  s3 = s0 - s1
  s3 = s2 * s3
  v2 = s3 * v0
  v1 = v1 + v2`;
