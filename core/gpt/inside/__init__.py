"""Looking inside a trained GPT (the GPT pages' measurements): a prompt's attention and W_p, what it guessed at
each token, the logit lens, knocked-out heads, and the residual stream."""
